package io.orchestrix.projection.spring.actuate;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.DeadLetterRetryResult;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.spring.ProjectionEngines;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code projections} actuator endpoint. Like every endpoint it is reachable over HTTP only once
 * the application exposes it ({@code management.endpoints.web.exposure.include=projections}).
 *
 * <ul>
 *   <li>{@code GET /actuator/projections}: every projection's status;
 *   <li>{@code GET /actuator/projections/{id}}: one projection's status, with this node's code
 *       version and the generations the store holds (the one read that touches the store);
 *   <li>{@code GET /actuator/projections/{id}/dead-letters}: its dead letters;
 *   <li>{@code POST /actuator/projections/{id}} with {@code {"action": ...}}: {@code pause},
 *       {@code resume}, {@code reset-to} (with {@code position}: move the checkpoint, read models
 *       untouched), {@code retry-dead-letters} and {@code discard-dead-letters} (with {@code stream}
 *       to select one stream's letters, or {@code all: true} for every letter), and the generation
 *       actions:
 *       <ul>
 *         <li>{@code rebuild} with {@code mode} {@code blue-green} (the default): builds this
 *             node's version of the projection as a new generation beside the live one, which keeps
 *             serving queries until the new one has caught up and is cut over; refused (400, nothing
 *             changed) when this node's version is the live one or another version is being built.
 *             With {@code mode} {@code in-place}: clears the live read models, dead letters and
 *             checkpoint, and processes every event again; queries see the read models empty, then
 *             partial, until they have caught up;
 *         <li>{@code cut-over}: makes the generation being built live, on the node that builds it
 *             once it is within {@code generations.cut-over-lag} of the head, or anywhere with
 *             {@code force: true};
 *         <li>{@code rollback}: makes the most recently retired generation live again; nodes
 *             running the rolled-back version then refuse to write (FAILED) until they are deployed
 *             with the live version;
 *         <li>{@code drop-generation} with {@code generation}: deletes a retired or rolled-back
 *             generation's read models, checkpoints and dead letters.
 *       </ul>
 * </ul>
 *
 * <p>Statuses show the generation this node writes and, on the node building a new generation, its
 * progress ({@code rebuild}: position, head, remaining, percent, events per second, ETA); one
 * projection's status also lists its generations as the store holds them.
 *
 * <p>Pause, reset-to, the in-place rebuild and the dead-letter actions run while the projection's
 * thread holds between batches, so a batch is never cut; the other generation actions are each one
 * compare-and-set commit of the projection's generation registry, valid from any node. Thread-safe.
 */
@Endpoint(id = "projections")
public final class ProjectionsEndpoint {

  private final ProjectionEngines engines;
  private final GenerationActions generations;

  /**
   * @param engines the application's projections
   * @param cutOverLag how close to the head, in positions, a generation being built must be before
   *     {@code cut-over} without {@code force} makes it live
   */
  public ProjectionsEndpoint(ProjectionEngines engines, long cutOverLag) {
    this.engines = Objects.requireNonNull(engines, "engines must not be null");
    this.generations = new GenerationActions(engines, cutOverLag);
  }

  /**
   * Every projection's status, by id. Never touches the store.
   *
   * @return {@code {"projections": {id: status, ...}}}, in registration order
   */
  @ReadOperation
  public Map<String, Object> projections() {
    Map<String, Object> projections = new LinkedHashMap<>();
    for (ProjectionStatus status : engines.statuses()) {
      projections.put(status.projectionId(), StatusView.of(status, engines.partitions(status.projectionId())));
    }
    return Map.of("projections", projections);
  }

  /**
   * One projection's status with this node's code version and its generations, read from the store.
   *
   * @param id the projection's id
   * @return the status, or null (404) for an unknown projection
   */
  @ReadOperation
  public @Nullable Map<String, Object> projection(@Selector String id) {
    if (!engines.ids().contains(id)) {
      return null;
    }
    Map<String, Object> view = StatusView.of(runner().status(id), engines.partitions(id));
    view.putAll(generations.view(id));
    return view;
  }

  /**
   * A projection's dead letters, read from the store.
   *
   * @param id the projection's id
   * @param what must be {@code dead-letters}
   * @return the dead letters, or null (404) for an unknown projection or another {@code what}
   */
  @ReadOperation
  public @Nullable List<DeadLetterView> deadLetters(@Selector String id, @Selector String what) {
    if (!engines.ids().contains(id) || !what.equals("dead-letters")) {
      return null;
    }
    return engines.engine(id).operations().deadLetters().stream().map(DeadLetterView::of).toList();
  }

  /**
   * Runs an operator action on a projection; 404 for an unknown projection, 400 for an unknown
   * action or a missing argument.
   *
   * @param id the projection's id
   * @param action {@code pause}, {@code resume}, {@code reset-to}, {@code retry-dead-letters},
   *     {@code discard-dead-letters}, {@code rebuild}, {@code cut-over}, {@code rollback} or
   *     {@code drop-generation}
   * @param position the checkpoint for {@code reset-to}
   * @param stream the stream whose dead letters to retry or discard
   * @param all true to retry or discard every dead letter
   * @param mode {@code blue-green} (when null) or {@code in-place}, for {@code rebuild}
   * @param generation the generation's number for {@code drop-generation}
   * @param force true to {@code cut-over} without checking that the build has caught up
   * @return the projection, the action, what the action returned and the status after it; null (404)
   *     for an unknown projection
   * @throws InvalidEndpointRequestException (400) naming what was wrong, for an unknown action, a
   *     missing or bad argument, or a generation action the generations' states refuse
   */
  @WriteOperation
  public @Nullable Map<String, Object> operate(@Selector String id, String action,
      @Nullable Long position, @Nullable String stream, @Nullable Boolean all,
      @Nullable String mode, @Nullable Integer generation, @Nullable Boolean force) {
    if (!engines.ids().contains(id)) {
      return null;
    }
    ProjectionRunner runner = runner();
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("projection", id);
    result.put("action", action);
    switch (action) {
      case "pause" -> runner.pause(id);
      case "resume" -> runner.resume(id);
      case "rebuild" -> result.putAll(generations.rebuild(id, mode));
      case "cut-over" -> result.putAll(generations.cutOver(id, Boolean.TRUE.equals(force)));
      case "rollback" -> result.putAll(generations.rollback(id));
      case "drop-generation" -> result.putAll(generations.drop(id, generation));
      case "reset-to" -> runner.resetTo(id, requirePosition(position));
      case "retry-dead-letters" -> {
        Predicate<DeadLetter> selection = selection(stream, all);
        DeadLetterRetryResult retried = runner.whileHeld(id,
            operations -> operations.retryDeadLetters(selection));
        result.put("result", retried.toString());
      }
      case "discard-dead-letters" -> {
        Predicate<DeadLetter> selection = selection(stream, all);
        int discarded = runner.whileHeld(id, operations -> operations.discardDeadLetters(selection));
        result.put("discarded", discarded);
      }
      default -> throw invalid("action must be one of pause, resume, reset-to, "
          + "retry-dead-letters, discard-dead-letters, rebuild, cut-over, rollback, "
          + "drop-generation but was '" + action + "'");
    }
    result.put("status", StatusView.of(runner.status(id)));
    return result;
  }

  private static long requirePosition(@Nullable Long position) {
    if (position == null || position < 0) {
      throw invalid("reset-to needs a position of 0 or more but was " + position);
    }
    return position;
  }

  private static Predicate<DeadLetter> selection(@Nullable String stream, @Nullable Boolean all) {
    if (stream != null && Boolean.TRUE.equals(all)) {
      throw invalid("give either stream or all=true, not both");
    }
    if (stream != null) {
      return letter -> letter.streamId().equals(stream);
    }
    if (Boolean.TRUE.equals(all)) {
      return letter -> true;
    }
    throw invalid(
        "dead-letter actions need a stream, or all=true to act on every dead letter");
  }

  private static InvalidEndpointRequestException invalid(String reason) {
    return GenerationActions.invalid(reason);
  }

  private ProjectionRunner runner() {
    return engines.runner().orElseThrow();
  }

  /**
   * A dead letter as the endpoint shows it: without the stack trace and the envelope.
   *
   * @param position the event's position
   * @param eventId the event's id
   * @param streamId the event's stream
   * @param eventType the payload's class
   * @param handler the handler that failed
   * @param errorType the exception's class, or {@code parked}
   * @param errorMessage the exception's message
   * @param attempts attempts so far
   * @param firstFailureAt when it first failed, ISO-8601
   * @param lastFailureAt when it last failed, ISO-8601
   */
  public record DeadLetterView(long position, String eventId, String streamId, String eventType,
      String handler, String errorType, String errorMessage, int attempts, String firstFailureAt,
      String lastFailureAt) {

    static DeadLetterView of(DeadLetter letter) {
      return new DeadLetterView(letter.position(), letter.eventId(), letter.streamId(),
          letter.eventType(), letter.handler(), letter.errorType(), letter.errorMessage(),
          letter.attempts(), letter.firstFailureAt().toString(), letter.lastFailureAt().toString());
    }
  }
}
