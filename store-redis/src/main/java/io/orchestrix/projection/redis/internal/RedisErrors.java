package io.orchestrix.projection.redis.internal;

import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Turns what Jedis throws into the library's typed exceptions, with messages that name the server
 * ({@code host:port}) and never the password. Immutable and thread-safe.
 */
public final class RedisErrors {

  private static final List<String> TRANSIENT_REPLIES =
      List.of("BUSY", "LOADING", "READONLY", "OOM", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN",
          "NOREPLICAS", "MISCONF");

  private final String server;
  private final String keyPrefix;
  private final @Nullable String password;
  private final boolean tls;

  /**
   * @param server how messages name the server, for example {@code Redis at 10.0.0.5:6379}
   * @param keyPrefix the store's key prefix, named in wrong-type messages
   * @param password a password to scrub from server messages, if any
   * @param tls whether the connection uses TLS, for hints in messages
   */
  public RedisErrors(String server, String keyPrefix, @Nullable String password, boolean tls) {
    this.server = server;
    this.keyPrefix = keyPrefix;
    this.password = password == null || password.isEmpty() ? null : password;
    this.tls = tls;
  }

  /** How messages name the server. */
  public String server() {
    return server;
  }

  /**
   * The library exception for a failure of {@code operation}; exceptions of the library pass as they
   * are.
   *
   * @param keys the keys the operation touched, named if the server reports a wrong type
   */
  public ProjectionException translate(String operation, RuntimeException failure, String... keys) {
    if (failure instanceof ProjectionException projectionException) {
      return projectionException;
    }
    if (isAuthenticationFailure(failure)) {
      return StoreException.failure(server + " refused the credentials while trying to " + operation
          + ": " + scrub(rootMessage(failure))
          + "; check the user and password (URI or properties 'user'/'password')", null, failure);
    }
    if (find(failure, JedisConnectionException.class) != null) {
      Throwable setup = find(failure, GeneralSecurityException.class);
      if (setup != null) {
        return StoreException.failure("cannot " + operation + ": TLS to " + server + " cannot be set"
            + " up: " + scrub(setup.getMessage()) + (setup.getCause() == null ? ""
                : " (" + scrub(setup.getCause().getMessage()) + ")")
            + "; check the trust store (property 'tls-truststore') and its password", null,
            failure);
      }
      Throwable handshake = find(failure, SSLException.class);
      if (handshake != null) {
        return StoreException.failure("cannot " + operation + ": the TLS handshake with " + server
            + " failed: " + scrub(handshake.getMessage())
            + " (is the server TLS-enabled, and its certificate trusted and issued for this host?)", null, failure);
      }
      return StoreException.outage("cannot " + operation + ": " + server + " is unreachable or dropped"
          + " the connection: " + scrub(rootMessage(failure))
          + (tls ? " (with TLS, rediss://: a server that does not speak TLS lets the handshake time"
              + " out)" : ""), null, failure);
    }
    if (failure instanceof JedisDataException) {
      String message = String.valueOf(failure.getMessage());
      if (message.startsWith("WRONGTYPE")) {
        return StoreException.failure("cannot " + operation + ": a key under the prefix '" + keyPrefix
            + "' holds the wrong Redis type (one of " + String.join(", ", keys) + "); another"
            + " application writes there: choose another key prefix or remove the key", null,
            failure);
      }
      boolean transientReply = TRANSIENT_REPLIES.stream().anyMatch(message::startsWith);
      return StoreException.of("cannot " + operation + ": " + server + " replied: "
          + scrub(message), null, transientReply ? FailureKind.TRANSIENT : FailureKind.FATAL,
          failure);
    }
    String message = scrub(rootMessage(failure));
    return StoreException.of("cannot " + operation + " on " + server + ": " + message, null,
        isPoolExhaustion(failure) ? FailureKind.TRANSIENT : FailureKind.FATAL, failure);
  }

  /** The exception for a key holding the wrong type, as found by a script. */
  public StoreException wrongType(String operation, String key, String found, String expected) {
    return StoreException.failure("cannot " + operation + ": the Redis key '" + key + "' under the"
        + " prefix '" + keyPrefix + "' holds a " + found + " where the store keeps a " + expected
        + "; another application writes under this prefix: choose another key prefix (property"
        + " 'key-prefix') or remove the key", null, null);
  }

  /** The exception for stored data this store cannot read. */
  public StoreException unreadable(String what, String key, String reason) {
    return StoreException.failure("cannot read " + what + " from the Redis key '" + key + "' on "
        + server + ": " + reason + "; it was not written by this store version", null, null);
  }

  /** Whether a failure is a dropped or refused connection, worth one more try. */
  public static boolean isConnectionFailure(RuntimeException failure) {
    return find(failure, JedisConnectionException.class) != null && !isAuthenticationFailure(failure)
        && find(failure, SSLException.class) == null
        && find(failure, GeneralSecurityException.class) == null;
  }

  private static boolean isAuthenticationFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof JedisAccessControlException) {
        return true;
      }
      String message = t.getMessage();
      if (t instanceof JedisDataException && message != null) {
        String upper = message.toUpperCase(Locale.ROOT);
        if (upper.startsWith("WRONGPASS") || upper.startsWith("NOAUTH")
            || upper.contains("AUTH <PASSWORD> CALLED WITHOUT")
            || upper.contains("INVALID PASSWORD") || upper.contains("INVALID USERNAME-PASSWORD")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean isPoolExhaustion(Throwable failure) {
    return find(failure, java.util.NoSuchElementException.class) != null;
  }

  /** The first exception of a type in the cause chain, or among suppressed ones (retrying clients). */
  private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (type.isInstance(suppressed)) {
          return type.cast(suppressed);
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static String rootMessage(Throwable failure) {
    StringBuilder message = new StringBuilder(String.valueOf(failure.getMessage()));
    Throwable cause = failure.getCause();
    if (cause != null && cause != failure && cause.getMessage() != null
        && !message.toString().contains(cause.getMessage())) {
      message.append(" (").append(cause.getMessage()).append(')');
    }
    return message.toString();
  }

  private String scrub(@Nullable String message) {
    String text = String.valueOf(message);
    return password == null ? text : text.replace(password, "****");
  }
}
