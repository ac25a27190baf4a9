package io.orchestrix.projection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.tracing.Span;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ObservationNames;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ReadModel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {

  record Placed(String id) {}

  record Doc(String id) {}

  static final ReadModel<Doc> DOCS = ReadModel.builder("traced_docs", Doc.class).id(Doc::id).build();

  private static ProjectionEngine engine(io.micrometer.observation.ObservationRegistry registry) {
    ProjectionEngine engine = Projections.engine("traced").readModel(DOCS)
        .observationRegistry(registry).build();
    engine.on(Placed.class, (Placed e, HandlerContext ctx) -> {
      if (e.id().equals("bad")) {
        throw new IllegalStateException("bad event");
      }
      ctx.readModel(DOCS).save(new Doc(e.id()));
    });
    return engine;
  }

  @Test
  void aHandlersSpanIsAChildOfTheTraceInTheEventsMetadataAndTheCommitHasItsOwn() {
    try (OtelTracing tracing = new OtelTracing()) {
      Span writer = tracing.tracer().nextSpan().name("command").start();
      String traceparent = "00-" + writer.context().traceId() + "-" + writer.context().spanId() + "-01";
      writer.end();

      engine(tracing.registry()).processEvents(List.of(new EventEnvelope<>("evt-1", "s-1", 1,
          Instant.now(), Map.of(ObservationNames.TRACEPARENT, traceparent), new Placed("a"))));

      SpanData handler = tracing.span("apply Placed");
      assertThat(handler.getTraceId()).isEqualTo(writer.context().traceId());
      assertThat(handler.getParentSpanId()).isEqualTo(writer.context().spanId());
      assertThat(handler.getAttributes().get(AttributeKey.stringKey(ObservationNames.EVENT_TYPE)))
          .isEqualTo("Placed");
      assertThat(handler.getAttributes().get(AttributeKey.stringKey(ObservationNames.OUTCOME)))
          .isEqualTo(ObservationNames.SUCCESS);
      assertThat(handler.getAttributes().get(AttributeKey.stringKey(ObservationNames.EVENT_ID)))
          .isEqualTo("evt-1");
      SpanData commit = tracing.span("commit traced");
      assertThat(commit.getAttributes().get(AttributeKey.stringKey(ObservationNames.POSITION)))
          .isEqualTo("1..1");
      assertThat(commit.getAttributes().get(AttributeKey.stringKey(ObservationNames.OUTCOME)))
          .isEqualTo(ObservationNames.SUCCESS);
    }
  }

  @Test
  void observationsAreTaggedLowCardinalityAndAFailureIsRecordedAsSuch() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    ProjectionEngine engine = engine(registry);

    assertThatThrownBy(() -> engine.processEvents(List.of(
        EventEnvelope.of("evt-1", "s-1", 1, Instant.now(), new Placed("a")),
        EventEnvelope.of("evt-2", "s-1", 2, Instant.now(), new Placed("bad")))))
        .isInstanceOf(HandlerFailedException.class);

    TestObservationRegistryAssert.assertThat(registry)
        .hasNumberOfObservationsWithNameEqualTo(ObservationNames.HANDLER, 2)
        .hasAnObservation(o -> o.hasNameEqualTo(ObservationNames.HANDLER)
            .hasLowCardinalityKeyValue(ObservationNames.PROJECTION, "traced")
            .hasLowCardinalityKeyValue(ObservationNames.PARTITION, ObservationNames.NO_PARTITION)
            .hasLowCardinalityKeyValue(ObservationNames.EVENT_TYPE, "Placed")
            .hasLowCardinalityKeyValue(ObservationNames.OUTCOME, ObservationNames.FAILURE)
            .hasHighCardinalityKeyValue(ObservationNames.EVENT_ID, "evt-2")
            .doesNotHaveLowCardinalityKeyValueWithKey(ObservationNames.EVENT_ID)
            .hasError())
        .hasAnObservation(o -> o.hasNameEqualTo(ObservationNames.BATCH_COMMIT)
            .hasLowCardinalityKeyValue(ObservationNames.OUTCOME, ObservationNames.SUCCESS)
            .hasHighCardinalityKeyValue(ObservationNames.POSITION, "1..1"));
  }

  @Test
  void aPartitionedProjectionsHandlerAndCommitObservationsCarryTheEventsPartition() {
    TestObservationRegistry registry = TestObservationRegistry.create();
    ProjectionEngine engine = Projections.engine("traced-parts").readModel(DOCS)
        .observationRegistry(registry).partitions(4).build();
    engine.on(Placed.class, (Placed e, HandlerContext ctx) -> ctx.readModel(DOCS).save(new Doc(e.id())));
    List<EventEnvelope<?>> events = new java.util.ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      events.add(EventEnvelope.of("evt-" + i, "stream-" + i, i, Instant.now(), new Placed("d" + i)));
    }

    engine.processEvents(events);

    for (EventEnvelope<?> event : events) {
      String partition = Integer.toString(io.orchestrix.projection.Partitions.of(event.streamId(), 4));
      TestObservationRegistryAssert.assertThat(registry)
          .hasAnObservation(o -> o.hasNameEqualTo(ObservationNames.HANDLER)
              .hasHighCardinalityKeyValue(ObservationNames.EVENT_ID, event.eventId())
              .hasLowCardinalityKeyValue(ObservationNames.PARTITION, partition))
          .hasAnObservation(o -> o.hasNameEqualTo(ObservationNames.BATCH_COMMIT)
              .hasLowCardinalityKeyValue(ObservationNames.PARTITION, partition));
    }
  }

  @Test
  void anObservationHandlerThatThrowsNeverBreaksProcessing() {
    io.micrometer.observation.ObservationRegistry broken =
        io.micrometer.observation.ObservationRegistry.create();
    broken.observationConfig().observationHandler(
        new io.micrometer.observation.ObservationHandler<io.micrometer.observation.Observation.Context>() {
          @Override
          public void onStart(io.micrometer.observation.Observation.Context context) {
            throw new IllegalStateException("broken tracer");
          }

          @Override
          public void onStop(io.micrometer.observation.Observation.Context context) {
            throw new IllegalStateException("broken tracer");
          }

          @Override
          public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
            return true;
          }
        });
    ProjectionEngine engine = engine(broken);

    engine.processEvents(List.of(EventEnvelope.of("evt-1", "s-1", 1, Instant.now(), new Placed("a"))));

    assertThat(engine.readModel(DOCS).findById("a")).isPresent();
    assertThat(engine.state().lastProcessedPosition()).isEqualTo(1);
  }

  @Test
  void withoutARegistryNothingIsObservedAndTheStoreIsUsedAsItIs() {
    InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
    assertThat(io.orchestrix.projection.core.internal.EngineObservations.of(null, "p"))
        .isSameAs(io.orchestrix.projection.core.internal.EngineObservations.NONE);
    ProjectionEngine engine = Projections.engine("untraced").store(store).readModel(DOCS).build();
    engine.on(Placed.class, (Placed e, HandlerContext ctx) -> ctx.readModel(DOCS).save(new Doc(e.id())));

    engine.processEvents(List.of(EventEnvelope.of("evt-1", "s-1", 1, Instant.now(), new Placed("a"))));

    assertThat(engine.readModel(DOCS).findById("a")).isPresent();
    assertThat(engine.toString()).contains(store.description());
  }
}
