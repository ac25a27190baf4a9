package io.orchestrix.projection.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ObservationNames;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Opened;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("an append's trace reaches the handler that applies its event")
class TracedAppendTest {

  record Account(String id, String owner) {}

  static final ReadModel<Account> ACCOUNTS = ReadModel.builder("traced_accounts", Account.class)
      .id(Account::id).build();

  private static JdbcEventStore open() {
    return JdbcEventStore.open("jdbc:h2:mem:traced-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
        EventFixtures.accountTypes(), Map.of());
  }

  @Test
  @DisplayName("command span -> append span (its traceparent in the metadata) -> handler span")
  void theHandlerSpanIsAChildOfTheAppendSpan() throws InterruptedException {
    try (OtelTracing tracing = new OtelTracing(); JdbcEventStore events = open()) {
      Tracer tracer = tracing.tracer();
      Span command = tracer.nextSpan().name("open account").start();
      long position;
      try (Tracer.SpanInScope scope = tracer.withSpan(command)) {
        position = ObservedAppends.of(events, tracing.registry())
            .append("acc-1", new Opened("acc-1", "ann"));
      } finally {
        command.end();
      }
      EventEnvelope<?> stored = events.read(0, 1).get(0);
      assertThat(stored.metadata().get(ObservationNames.TRACEPARENT))
          .startsWith("00-" + command.context().traceId() + "-");

      ProjectionEngine engine = Projections.engine("traced-accounts").readModel(ACCOUNTS)
          .observationRegistry(tracing.registry()).build();
      engine.on(Opened.class, (Opened e, HandlerContext ctx) ->
          ctx.readModel(ACCOUNTS).save(new Account(e.account(), e.owner())));
      try (ProjectionRunner runner = ProjectionRunner.builder(events).projection(engine).build()) {
        runner.start();
        assertThat(runner.awaitPosition("traced-accounts", position, Duration.ofSeconds(30))).isTrue();
      }

      SpanData append = tracing.span("append 1 event(s)");
      SpanData handler = tracing.span("apply Opened");
      assertThat(append.getTraceId()).isEqualTo(command.context().traceId());
      assertThat(append.getParentSpanId()).isEqualTo(command.context().spanId());
      assertThat(handler.getTraceId()).isEqualTo(command.context().traceId());
      assertThat(handler.getParentSpanId()).isEqualTo(append.getSpanId());
      assertThat(engine.readModel(ACCOUNTS).findById("acc-1")).isPresent();
    }
  }

  @Test
  @DisplayName("with a no-op registry the metadata is left as given")
  void aNoopRegistryAddsNothing() {
    try (JdbcEventStore events = open()) {
      ObservedAppends.of(events, ObservationRegistry.NOOP).append("acc-1", JdbcEventStore.ANY_VERSION,
          List.of(new Opened("acc-1", "ann")), Map.of("user", "u-1"));
      assertThat(events.read(0, 1).get(0).metadata()).containsExactly(Map.entry("user", "u-1"));
    }
  }
}
