package io.orchestrix.projection.spring.actuate;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code projections} endpoint's write operation over HTTP, answering a refused action with 400
 * and a body that says why ({@code {"status": 400, "error": "Bad Request", "message": ...}}), so an
 * operator learns, for example, that a blue-green rebuild needs a new version, without
 * {@code server.error.include-message}. 404 for an unknown projection. Everything else is
 * {@link ProjectionsEndpoint#operate}. Thread-safe.
 */
@EndpointWebExtension(endpoint = ProjectionsEndpoint.class)
public final class ProjectionsWebEndpointExtension {

  private final ProjectionsEndpoint endpoint;

  /**
   * An extension over the given endpoint.
   *
   * @param endpoint the endpoint whose write operation this one answers for; not null
   * @throws NullPointerException if {@code endpoint} is null
   */
  public ProjectionsWebEndpointExtension(ProjectionsEndpoint endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint must not be null");
  }

  /**
   * {@link ProjectionsEndpoint#operate}, with the reason of a refusal in the 400 answer.
   *
   * @param id the projection's id
   * @param action the action's name, as {@link ProjectionsEndpoint#operate}
   * @param position the checkpoint for {@code reset-to}, or null
   * @param stream the stream whose dead letters to retry or discard, or null
   * @param all true to retry or discard every dead letter, or null
   * @param mode {@code blue-green} or {@code in-place} for {@code rebuild}, or null for blue-green
   * @param generation the generation's number for {@code drop-generation}, or null
   * @param force true to {@code cut-over} without checking that the build has caught up, or null
   * @return 200 with the endpoint's result, 400 with {@code status}, {@code error} and
   *     {@code message} for a refused action, or 404 for an unknown projection
   */
  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> operate(@Selector String id, String action,
      @Nullable Long position, @Nullable String stream, @Nullable Boolean all,
      @Nullable String mode, @Nullable Integer generation, @Nullable Boolean force) {
    Map<String, Object> result;
    try {
      result = endpoint.operate(id, action, position, stream, all, mode, generation, force);
    } catch (InvalidEndpointRequestException refused) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", WebEndpointResponse.STATUS_BAD_REQUEST);
      body.put("error", "Bad Request");
      body.put("message", refused.getReason());
      return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
    }
    return result == null ? new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND)
        : new WebEndpointResponse<>(result);
  }
}
