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

  public ProjectionsWebEndpointExtension(ProjectionsEndpoint endpoint) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint must not be null");
  }

  /** {@link ProjectionsEndpoint#operate}, with the reason of a refusal in the 400 answer. */
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
