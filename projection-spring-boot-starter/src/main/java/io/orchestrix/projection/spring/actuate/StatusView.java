package io.orchestrix.projection.spring.actuate;

import io.orchestrix.projection.Generation;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.RebuildProgress;
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
    view.put("generation", status.generation());
    status.rebuildProgress().ifPresent(progress -> view.put("rebuild", of(progress)));
    return view;
  }

  static Map<String, Object> of(RebuildProgress progress) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("generation", progress.generation());
    view.put("version", progress.version());
    view.put("position", progress.position());
    view.put("headPosition", progress.headPosition());
    view.put("remaining", progress.remaining());
    view.put("percent", Math.floor(progress.percent() * 10) / 10);
    view.put("eventsPerSecond", progress.eventsPerSecond());
    progress.timeLeft().ifPresent(eta -> view.put("eta", eta.toString()));
    return view;
  }

  static Map<String, Object> of(Generation generation) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("number", generation.number());
    view.put("version", generation.version());
    view.put("state", generation.state().name());
    view.put("since", generation.since().toString());
    view.put("note", generation.note());
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
