package io.orchestrix.projection.mongo.internal;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.WriteConcernError;
import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns driver exceptions into {@link StoreException}s whose messages name the servers and the
 * operation, never the password, and whose {@link FailureKind} says whether the same call may succeed
 * later: {@link FailureKind#TRANSIENT} for an outage (no server reachable within the selection
 * timeout, a connection refused, dropped or timed out, a server shutting down, a primary stepping down
 * or not primary, an operation out of time), {@link FailureKind#FATAL} for everything else (refused
 * credentials or permissions, a duplicate key, a document the store did not write). Immutable;
 * thread-safe.
 */
public final class StoreErrors {

  /** MongoDB's error code for "Unauthorized". */
  private static final int UNAUTHORIZED = 13;
  /** MongoDB's error code for "AuthenticationFailed". */
  private static final int AUTHENTICATION_FAILED = 18;
  /**
   * Server error codes of an outage, as the driver's retryable-error list has them: host unreachable
   * or not found (6, 7), network timeout (89), shutdown in progress (91, 11600), not writable primary
   * or no longer primary (10107, 13435, 13436, 10058, 189, 11602), socket error (9001), time limits
   * (50, 262), write-concern timeout (64), write conflict (112), read preference or read concern not
   * satisfiable yet (133, 134).
   */
  private static final Set<Integer> OUTAGE_CODES = Set.of(6, 7, 50, 64, 89, 91, 112, 133, 134, 189,
      262, 9001, 10058, 10107, 11600, 11602, 13435, 13436);

  private final String description;
  private final String hosts;
  private final @Nullable String password;
  private final @Nullable String user;

  /**
   * @param description the store's description (already without password)
   * @param hosts the servers, for messages
   * @param user the user the client authenticates as, null if none or unknown
   * @param password the password to scrub from any driver message, null if none
   */
  public StoreErrors(String description, List<String> hosts, @Nullable String user,
      char @Nullable [] password) {
    this.description = description;
    this.hosts = String.join(",", hosts);
    this.user = user;
    this.password = password == null || password.length == 0 ? null : new String(password);
  }

  /** The text with the password, if it appears, replaced by {@code ****}. */
  public String scrub(@Nullable String text) {
    if (text == null) {
      return "";
    }
    return password == null ? text : text.replace(password, "****");
  }

  /**
   * A store exception for a failed operation.
   *
   * @param operation what the store was doing, e.g. "committing projection 'p'"
   * @param projectionId the projection concerned, or null
   */
  public StoreException translate(
      RuntimeException failure, String operation, @Nullable String projectionId) {
    String detail = scrub(failure.getMessage());
    if (failure instanceof MongoTimeoutException) {
      return StoreException.outage("MongoDB at " + hosts + " (" + description + ") could not be"
          + " reached in time while " + operation + "; is the server running and reachable? Driver"
          + " detail: " + detail, projectionId, failure);
    }
    if (isAuthenticationFailure(failure)) {
      return StoreException.failure("MongoDB at " + hosts + " (" + description
          + ") refused the credentials" + (user == null ? "" : " of user '" + user + "'")
          + " while " + operation
          + ": check the user name, password and authSource of the URI. Driver detail: " + detail,
          projectionId, failure);
    }
    if (failure instanceof MongoCommandException command && command.getErrorCode() == UNAUTHORIZED) {
      return StoreException.failure("MongoDB at " + hosts + " (" + description
          + ") did not authorise the user while " + operation + ": " + detail,
          projectionId, failure);
    }
    return StoreException.of("MongoDB at " + hosts + " (" + description + ") failed while "
        + operation + ": " + detail, projectionId,
        isTransient(failure) ? FailureKind.TRANSIENT : FailureKind.FATAL, failure);
  }

  private static boolean isAuthenticationFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof MongoSecurityException) {
        return true;
      }
      if (t instanceof MongoCommandException command
          && command.getErrorCode() == AUTHENTICATION_FAILED) {
        return true;
      }
    }
    return false;
  }

  /** Whether the same call may succeed later: an outage, a fail-over, a transient transaction error. */
  public static boolean isTransient(Throwable failure) {
    if (isAuthenticationFailure(failure)) {
      return false;
    }
    if (failure instanceof MongoException mongo
        && (mongo.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
            || mongo.hasErrorLabel(MongoException.UNKNOWN_TRANSACTION_COMMIT_RESULT_LABEL)
            || mongo.hasErrorLabel("RetryableWriteError"))) {
      return true;
    }
    if (failure instanceof MongoBulkWriteException bulk) {
      WriteConcernError concern = bulk.getWriteConcernError();
      return (concern != null && OUTAGE_CODES.contains(concern.getCode()))
          || (!bulk.getWriteErrors().isEmpty()
              && bulk.getWriteErrors().stream().map(BulkWriteError::getCode)
                  .allMatch(OUTAGE_CODES::contains));
    }
    return failure instanceof MongoSocketException
        || failure instanceof MongoTimeoutException
        || failure instanceof MongoServerUnavailableException
        || failure instanceof MongoConnectionPoolClearedException
        || failure instanceof MongoExecutionTimeoutException
        || failure instanceof MongoWriteConcernException
        || failure instanceof MongoInterruptedException
        || (failure instanceof MongoException mongo && OUTAGE_CODES.contains(mongo.getCode()))
        || (failure.getCause() instanceof MongoSocketException);
  }
}
