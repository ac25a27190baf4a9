package io.orchestrix.projection.spring.actuate;

import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionStatus;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/** How a projection's status reads in health details and in the endpoint. Stateless. */
final class StatusView {

  private StatusView() {}

  static Map<String, Object> of(ProjectionStatus status) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("state", status.state().name());
    view.put("healthy", status.healthy());
    view.put("position", status.position());
    view.put("headPosition", status.headPosition());
    view.put("lagEvents", status.lagEvents());
    view.put("lagTime", status.lagTime().toString());
    view.put("eventsPerSecond", status.eventsPerSecond());
    view.put("deadLetters", status.deadLetters());
    view.put("stale", status.stale());
    if (status.lastError() != null) {
      view.put("lastError", status.lastError());
    }
    status.outage().ifPresent(since -> view.put("outageSince", since.toString()));
    return view;
  }

  static Map<String, Object> of(ProjectionStatus status, List<PartitionStatus> partitions) {
    Map<String, Object> view = of(status);
    if (!partitions.isEmpty()) {
      view.put("partitions", partitions.stream().map(StatusView::of).toList());
    }
    return view;
  }

  static Map<String, Object> of(PartitionStatus partition) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("partition", partition.partition());
    view.put("owner", partition.owner() == null ? "none" : partition.owner());
    view.put("ownedHere", partition.ownedHere());
    view.put("state", partition.state().name());
    view.put("position", partition.position());
    view.put("healthy", partition.healthy());
    if (partition.leaseExpiresAt() != null) {
      view.put("leaseExpiresAt", partition.leaseExpiresAt().toString());
    }
    if (partition.lastError() != null) {
      view.put("lastError", partition.lastError());
    }
    return view;
  }
}
