package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** A bad property fails the start, and the failure names the property. */
class PropertyFailureTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class))
      .withUserConfiguration(ProjectionsAutoConfigurationTest.NotesConfig.class);

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "batch-size|0|orchestrix.projections.batch-size must be 1 to 100000 but was '0'",
      "batch-size|many|orchestrix.projections.batch-size",
      "max-latency|0ms|orchestrix.projections.max-latency must be positive",
      "max-latency|1h|orchestrix.projections.max-latency must be at most 10 minutes",
      "handler-timeout|-1s|orchestrix.projections.handler-timeout must be positive",
      "startup-limit|0s|orchestrix.projections.startup-limit must be positive",
      "shutdown-timeout|0s|orchestrix.projections.shutdown-timeout must be positive",
      "read-your-writes-timeout|0s|orchestrix.projections.read-your-writes-timeout must be positive",
      "failure.policy|sometimes|orchestrix.projections.failure.policy",
      "failure.max-attempts|3|orchestrix.projections.failure.max-attempts applies only to",
      "store.uri|nosuch://x|orchestrix.projections.store.uri was refused",
      "store.properties.colour|blue|orchestrix.projections.store.properties was refused",
      "source.uri|kafka://x|orchestrix.projections.source.uri must be 'memory:' or a JDBC URL",
      "partitions|0|orchestrix.projections.partitions must be 1 to 1024 but was '0'",
      "node-name|a b|orchestrix.projections.node-name must be 1 to 120 letters",
      "lease-time|500ms|orchestrix.projections.lease-time must be 1 second to 10 minutes",
      "generations.cut-over-lag|-1|orchestrix.projections.generations.cut-over-lag must not be negative",
      "generations.refresh|5ms|orchestrix.projections.generations.refresh must be 10 ms to 1 minute",
      "generations.retired-grace|-1h|orchestrix.projections.generations.retired-grace must not be negative",
      "generations.build-rate-limit|-1|orchestrix.projections.generations.build-rate-limit must be 0 (no limit) to 100000000 events per second",
  })
  void aBadValueFailsTheStartNamingTheProperty(String property, String value, String message) {
    runner.withPropertyValues("orchestrix.projections." + property + "=" + value).run(context -> {
      assertThat(context).hasFailed();
      assertThat(messages(context.getStartupFailure())).contains(message);
    });
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }
}
