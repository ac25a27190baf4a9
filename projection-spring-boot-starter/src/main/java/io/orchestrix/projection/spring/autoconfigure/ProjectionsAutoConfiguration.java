package io.orchestrix.projection.spring.autoconfigure;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spring.Projection;
import io.orchestrix.projection.spring.ProjectionEngines;
import io.orchestrix.projection.spring.ProjectionsProperties;
import io.orchestrix.projection.spring.ReadYourWrites;
import io.orchestrix.projection.spring.internal.EngineAssembly;
import io.orchestrix.projection.spring.internal.JdbcSourceCondition;
import io.orchestrix.projection.spring.internal.JdbcSources;
import io.orchestrix.projection.spring.internal.ReadModelViewRegistrar;
import io.orchestrix.projection.spring.internal.RunnerLifecycle;
import io.orchestrix.projection.spring.internal.StoreSelection;
import java.util.concurrent.Executor;
import javax.sql.DataSource;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Configures the application's projections: the projection store, the event source, one engine per
 * {@link Projection} bean, the runner that starts and stops with the context, injectable
 * read-model views and {@link ReadYourWrites}. Every bean backs off when the application defines its
 * own of the same type. Off with {@code orchestrix.projections.enabled=false}.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration",
    "org.springframework.boot.autoconfigure.mongo.MongoAutoConfiguration",
    "org.springframework.boot.jackson2.autoconfigure.Jackson2AutoConfiguration",
    "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnBooleanProperty(name = ProjectionsProperties.PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(ProjectionsProperties.class)
public final class ProjectionsAutoConfiguration {

  /** The store of {@code orchestrix.projections.store.*}, or of the application's clients. */
  @Bean
  @ConditionalOnMissingBean(ProjectionStateStore.class)
  ProjectionStateStore projectionStore(ProjectionsProperties properties, ListableBeanFactory beans,
      ApplicationContext context) {
    return StoreSelection.open(properties.store(), beans, context.getClassLoader());
  }

  /** How event payloads are named in an event store: by class name unless the application says. */
  @Bean
  @ConditionalOnMissingBean(EventTypes.class)
  EventTypes projectionEventTypes() {
    return EventTypes.byClassName();
  }

  /** The JDBC event store, when the source is one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(JdbcEventStore.class)
  static final class JdbcSourceConfiguration {

    @Bean
    @ConditionalOnMissingBean(EventSource.class)
    @Conditional(JdbcSourceCondition.class)
    JdbcEventStore projectionEventStore(ProjectionsProperties properties, EventTypes eventTypes,
        ObjectProvider<DataSource> dataSource) {
      return JdbcSources.open(properties.source(), eventTypes, dataSource.getIfUnique());
    }
  }

  /** An in-memory event log when no other source is configured. */
  @Bean
  @ConditionalOnMissingBean(EventSource.class)
  InMemoryEventLog projectionEventLog(ProjectionsProperties properties) {
    if (properties.source().uri() != null && !properties.source().uri().equals("memory:")) {
      throw new io.orchestrix.projection.spring.InvalidPropertyException("source.uri",
          properties.source().uri(), "needs event-store-jdbc on the class path");
    }
    return new InMemoryEventLog();
  }

  /**
   * The name of an {@link Executor} bean that, if the application defines one, runs the runner's
   * processing loops (one per projection, or per partition this node owns) instead of threads of the
   * runner's own. It must run that many tasks at once; the application shuts it down.
   */
  public static final String EXECUTOR_BEAN = "projectionsExecutor";

  /** The engines of the {@link Projection} beans and their runner. */
  @Bean
  @ConditionalOnMissingBean(ProjectionEngines.class)
  ProjectionEngines projectionEngines(ProjectionsProperties properties, ProjectionStateStore store,
      EventSource source, ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<ObjectMapper> objectMapper, ApplicationContext context) {
    Executor executor = context.containsBean(EXECUTOR_BEAN)
        ? context.getBean(EXECUTOR_BEAN, Executor.class) : null;
    return new EngineAssembly(properties, store, source, meterRegistry.getIfUnique(),
        objectMapper.getIfUnique()).executor(executor)
        .assemble(context.getBeansWithAnnotation(Projection.class));
  }

  /** Starts the runner with the context and stops it gracefully. */
  @Bean
  RunnerLifecycle projectionRunnerLifecycle(ProjectionEngines engines, ProjectionsProperties properties) {
    return new RunnerLifecycle(engines, properties.autoStart(), properties.shutdownTimeout());
  }

  /** Waits for projections to reach a position, for read-your-writes in web requests. */
  @Bean
  @ConditionalOnMissingBean(ReadYourWrites.class)
  ReadYourWrites readYourWrites(ProjectionEngines engines, ProjectionsProperties properties) {
    return new ReadYourWrites(engines, properties.readYourWritesTimeout());
  }

  /** Makes each read model of each projection injectable as a {@code ReadModelView<T>}. */
  @Bean
  static ReadModelViewRegistrar projectionReadModelViews() {
    return new ReadModelViewRegistrar();
  }
}
