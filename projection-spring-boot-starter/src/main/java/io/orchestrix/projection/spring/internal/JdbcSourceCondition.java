package io.orchestrix.projection.spring.internal;

import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the event source is a JDBC event store: {@code orchestrix.projections.source.uri} is a
 * JDBC URL, or it is unset and the application has a DataSource.
 */
public final class JdbcSourceCondition extends SpringBootCondition {

  static final String PROPERTY = "orchestrix.projections.source.uri";

  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
    String uri = context.getEnvironment().getProperty(PROPERTY);
    if (uri != null) {
      return uri.startsWith("jdbc:")
          ? ConditionOutcome.match(PROPERTY + " is a JDBC URL")
          : ConditionOutcome.noMatch(PROPERTY + " is not a JDBC URL");
    }
    var beanFactory = context.getBeanFactory();
    boolean dataSource = beanFactory != null
        && beanFactory.getBeanNamesForType(DataSource.class, true, false).length > 0;
    return dataSource
        ? ConditionOutcome.match(PROPERTY + " is unset and the application has a DataSource")
        : ConditionOutcome.noMatch(PROPERTY + " is unset and the application has no DataSource");
  }
}
