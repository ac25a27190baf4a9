package io.orchestrix.projection.core;

import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;

/**
 * An application's tracing set-up, as Spring Boot would make it: Micrometer Tracing over the
 * OpenTelemetry SDK with W3C propagation, spans kept in memory for the test to read.
 */
public final class OtelTracing implements AutoCloseable {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OtelTracer tracer;
  private final ObservationRegistry registry = ObservationRegistry.create();

  public OtelTracing() {
    io.opentelemetry.api.trace.Tracer otel = provider.get("projection-test");
    OtelCurrentTraceContext current = new OtelCurrentTraceContext();
    this.tracer = new OtelTracer(otel, current, event -> {},
        new OtelBaggageManager(current, List.of(), List.of()));
    OtelPropagator propagator = new OtelPropagator(
        ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel);
    registry.observationConfig().observationHandler(
        new ObservationHandler.FirstMatchingCompositeObservationHandler(
            new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
            new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
            new DefaultTracingObservationHandler(tracer)));
  }

  public ObservationRegistry registry() {
    return registry;
  }

  public OtelTracer tracer() {
    return tracer;
  }

  /** The finished spans so far. */
  public List<SpanData> spans() {
    return exporter.getFinishedSpanItems();
  }

  /** The finished span of this name. */
  public SpanData span(String name) {
    return spans().stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span '" + name + "' among " + spans().stream()
            .map(SpanData::getName).toList()));
  }

  @Override
  public void close() {
    provider.close();
  }
}
