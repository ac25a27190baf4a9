package io.orchestrix.projection.spring.actuate;

import io.orchestrix.projection.ProjectionStatus;
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
}
