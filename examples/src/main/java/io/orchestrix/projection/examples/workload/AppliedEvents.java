package io.orchestrix.projection.examples.workload;

import io.orchestrix.projection.ReadModel;
import java.util.Objects;

/**
 * How many of an order's events a projection has applied: the counting read model of
 * {@link WorkloadProjection#countingEngine}. When a run is done, every order of the standard workload
 * must count {@value StandardWorkload#EVENTS_PER_ORDER}: more means an event was applied twice, fewer
 * that one was lost. Immutable.
 *
 * @param orderId the key (the order's stream, so one partition writes it)
 * @param events the events applied
 */
public record AppliedEvents(String orderId, long events) {

  /** The read model's name in the store. */
  public static final String NAME = "applied_events";

  /** The read model's declaration. */
  public static final ReadModel<AppliedEvents> READ_MODEL =
      ReadModel.builder(NAME, AppliedEvents.class).id(AppliedEvents::orderId).build();

  public AppliedEvents {
    Objects.requireNonNull(orderId, "orderId");
  }

  /** This count plus one. */
  public AppliedEvents plusOne() {
    return new AppliedEvents(orderId, events + 1);
  }
}
