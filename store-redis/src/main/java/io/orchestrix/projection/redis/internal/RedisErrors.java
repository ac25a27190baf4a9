package io.orchestrix.projection.redis.internal;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Turns what Jedis throws into {@link StoreException}s of the right {@link FailureKind}, with
 * messages that name the server ({@code host:port}) and never the password. Immutable and
 * thread-safe.
 *
 * <p>{@link FailureKind#TRANSIENT}, because the same call may succeed later: a connection refused,
 * dropped or killed ({@code CLIENT KILL}), a timeout, no pooled connection free in time, and the
 * replies of a server that cannot serve for now ({@code LOADING}, {@code BUSY}, {@code READONLY},
 * {@code OOM}, {@code MASTERDOWN}, {@code TRYAGAIN}, {@code MISCONF}, too many clients, ...).
 * {@link FailureKind#FATAL}, because it fails again until someone acts: refused credentials, a TLS
 * set-up or handshake failure, a key of the wrong type, and every other error reply (a script the
 * server cannot run, {@code NOPERM}, a database number the server does not have).
 */
public final class RedisErrors {

  private static final List<String> TRANSIENT_REPLIES =
      List.of("LOADING", "BUSY", "READONLY", "OOM", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN",
          "NOREPLICAS", "MISCONF", "ERR MAX NUMBER OF CLIENTS REACHED");

  private final String server;
  private final String keyPrefix;
  private final @Nullable String password;
  private final boolean tls;

  private RedisErrors(String server, String keyPrefix, @Nullable String password, boolean tls) {
    this.server = server;
    this.keyPrefix = keyPrefix;
    this.password = password == null || password.isEmpty() ? null : password;
    this.tls = tls;
  }

  /** Errors of a store connected as the settings say, under a key prefix: they name {@code host:port}. */
  public static RedisErrors of(ConnectionSettings settings, String keyPrefix) {
    return new RedisErrors("Redis at " + settings.uri().address(), keyPrefix,
        settings.password(), settings.uri().tls());
  }

  /** Errors of a store over a client the application supplied, whose server this code does not know. */
  public static RedisErrors ofSuppliedClient(String keyPrefix) {
    return new RedisErrors("Redis (client supplied by the application)", keyPrefix, null, false);
  }

  /** How messages name the server. */
  public String server() {
    return server;
  }

  /**
   * The exception for a failure of Jedis during {@code operation}.
   *
   * @param operation what was being done ("committing projection 'p'")
   * @param projectionId the projection concerned, or null
   */
  public StoreException translate(
      String operation, @Nullable String projectionId, RuntimeException failure) {
    Throwable denied = find(failure, JedisDataException.class);
    if (denied != null && String.valueOf(denied.getMessage()).startsWith("NOPERM")) {
      return StoreException.failure(server + " denied a command while " + operation + ": "
          + scrub(denied.getMessage()) + "; the user needs the commands the store sends (EVALSHA,"
          + " EVAL, HGET, HMGET, HGETALL, HLEN) on the keys under '" + keyPrefix + "'",
          projectionId, failure);
    }
    if (isAuthenticationFailure(failure)) {
      return StoreException.failure(server + " refused the credentials while " + operation + ": "
          + scrub(describe(failure)) + "; check the user and password (in the URI or the"
          + " properties 'user' and 'password')", projectionId, failure);
    }
    if (isTlsFailure(failure)) {
      Throwable setup = findAnywhere(failure, GeneralSecurityException.class);
      return StoreException.failure(setup != null
          ? "TLS to " + server + " cannot be set up while " + operation + ": "
              + scrub(describe(setup)) + "; check the trust store (property 'tls-truststore')"
              + " and its password"
          : "the TLS handshake with " + server + " failed while " + operation + ": "
              + scrub(describe(failure)) + " (is the server TLS-enabled, and its certificate"
              + " trusted and issued for this host?)", projectionId, failure);
    }
    if (failure instanceof JedisDataException) {
      String reply = String.valueOf(failure.getMessage());
      return StoreException.of(server + " replied '" + scrub(reply) + "' while " + operation,
          projectionId, isTransientReply(reply) ? FailureKind.TRANSIENT : FailureKind.FATAL, failure);
    }
    if (findAnywhere(failure, JedisConnectionException.class) != null) {
      return StoreException.outage(server + " is unreachable or dropped the connection while "
          + operation + ": " + scrub(describe(failure))
          + (tls ? " (with TLS, rediss://: a server that does not speak TLS lets the handshake time"
              + " out)" : ""), projectionId, failure);
    }
    if (find(failure, NoSuchElementException.class) != null) {
      return StoreException.outage("no pooled connection to " + server + " became free in time"
          + " while " + operation + ": " + scrub(describe(failure))
          + "; every connection was busy (property 'pool-max-total')", projectionId, failure);
    }
    Throwable reply = findAnywhere(failure, JedisDataException.class);
    return StoreException.of(server + " failed while " + operation + ": " + scrub(describe(failure)),
        projectionId, reply != null && isTransientReply(String.valueOf(reply.getMessage()))
            ? FailureKind.TRANSIENT : FailureKind.FATAL, failure);
  }

  /** The exception for a key that holds another Redis type than the store keeps there. */
  public StoreException wrongType(String key, String found, String expected) {
    return StoreException.failure("the Redis key '" + key + "' under the prefix '" + keyPrefix
        + "' holds a " + found + " where the store keeps a " + expected + "; another application"
        + " writes under this prefix: choose another key prefix (property 'key-prefix') or remove"
        + " the key", null, null);
  }

  /** The exception for a {@code WRONGTYPE} reply to a command on these keys. */
  public StoreException wrongType(List<String> keys, RuntimeException failure) {
    return StoreException.failure("a Redis key under the prefix '" + keyPrefix + "' holds another"
        + " type than the store keeps there (" + (keys.size() == 1 ? "the key '" + keys.get(0) + "'"
        : "one of " + keys) + "): " + scrub(failure.getMessage()) + "; another application writes"
        + " under this prefix: choose another key prefix (property 'key-prefix') or remove the key",
        null, failure);
  }

  /** The exception for stored data this store cannot read. */
  public StoreException unreadable(String what, String key, String reason) {
    return StoreException.failure("cannot read " + what + " from the Redis key '" + key + "' on "
        + server + ": " + reason + "; it was not written by this store version", null, null);
  }

  /** The exception for a script reply this code does not know. */
  public StoreException unexpectedReply(String script, String outcome) {
    return StoreException.failure("the script " + script + " on " + server + " gave the unexpected"
        + " reply '" + outcome + "'", null, null);
  }

  /**
   * Whether a failure is a refused, dropped or timed-out connection, which a fresh connection may
   * not have; not one of refused credentials or of TLS set-up.
   */
  public static boolean isConnectionFailure(RuntimeException failure) {
    return !(failure instanceof JedisDataException)
        && findAnywhere(failure, JedisConnectionException.class) != null
        && !isAuthenticationFailure(failure) && !isTlsFailure(failure);
  }

  /** Whether the server answered {@code WRONGTYPE}. */
  public static boolean isWrongType(RuntimeException failure) {
    return failure instanceof JedisDataException
        && String.valueOf(failure.getMessage()).startsWith("WRONGTYPE");
  }

  private static boolean isTransientReply(String reply) {
    String upper = reply.toUpperCase(Locale.ROOT);
    return TRANSIENT_REPLIES.stream().anyMatch(upper::startsWith);
  }

  /**
   * A TLS failure that retrying cannot cure: the trust store cannot be read, the handshake failed,
   * or the server does not speak TLS. A TLS connection dropped after its handshake is not one.
   */
  private static boolean isTlsFailure(Throwable failure) {
    if (findAnywhere(failure, GeneralSecurityException.class) != null
        || findAnywhere(failure, SSLHandshakeException.class) != null) {
      return true;
    }
    SSLException ssl = findAnywhere(failure, SSLException.class);
    return ssl != null && String.valueOf(ssl.getMessage()).contains("SSL message");
  }

  private static boolean isAuthenticationFailure(Throwable failure) {
    if (findAnywhere(failure, JedisAccessControlException.class) != null) {
      return true;
    }
    JedisDataException reply = findAnywhere(failure, JedisDataException.class);
    if (reply == null || reply.getMessage() == null) {
      return false;
    }
    String upper = reply.getMessage().toUpperCase(Locale.ROOT);
    return upper.startsWith("WRONGPASS") || upper.startsWith("NOAUTH")
        || upper.contains("AUTH <PASSWORD> CALLED WITHOUT")
        || upper.contains("INVALID PASSWORD") || upper.contains("INVALID USERNAME-PASSWORD");
  }

  /** The first exception of a type in the cause chain. */
  private static <T extends Throwable> @Nullable T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * The first exception of a type in the cause chain or among the suppressed ones: a client that
   * retries by itself ({@code UnifiedJedis} with attempts, a cluster client) throws "no more attempts"
   * with the failures of its attempts suppressed.
   */
  private static <T extends Throwable> @Nullable T findAnywhere(Throwable failure, Class<T> type) {
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

  /** The message and, if it adds something, the cause's. */
  private static String describe(Throwable failure) {
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
