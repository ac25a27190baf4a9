package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.jdbc.support.SqlFailures;
import io.orchestrix.projection.spi.Commit;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The table of projection states: checkpoint, health and writer token per projection. It loads and
 * saves states, claims writers, and moves the checkpoint of a commit under the row's lock, fenced by
 * the expected position and the writer token. Thread-safe.
 */
public final class StateTable {

  /** How often an insert that lost a race with another process's insert of the same row is redone. */
  private static final int INSERT_RACE_ATTEMPTS = 5;

  private static final String ASSIGNMENTS = "last_event_id = :lastEventId,"
      + " last_position = :lastPosition, error_count = :errorCount, healthy = :healthy,"
      + " last_error = :lastError, failed_position = :failedPosition, updated_at = :updatedAt";

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final String table;
  private final Clock clock;

  /**
   * @param table the qualified table name
   * @param clock stamps the initial state a claim creates
   */
  public StateTable(Jdbi jdbi, SqlDialect dialect, String table, Clock clock) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.table = table;
    this.clock = clock;
  }

  /** The projection's state, if it has one. */
  public Optional<ProjectionState> load(String projectionId) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT projection_id, last_event_id,"
            + " last_position, error_count, healthy, last_error, failed_position, updated_at FROM "
            + table + " WHERE projection_id = :p")
        .bind("p", projectionId)
        .map((rs, ctx) -> stateOf(rs)).findOne());
  }

  private static ProjectionState stateOf(ResultSet rs) throws SQLException {
    return new ProjectionState(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
        rs.getBoolean(5), rs.getString(6), rs.getLong(7), Instant.parse(rs.getString(8)));
  }

  /** Stores the state, keeping the projection's writer token (0 for a new projection). */
  public void save(ProjectionState state) {
    retryingInsertRace(() -> jdbi.useTransaction(handle -> {
      int updated = bindState(handle.createUpdate("UPDATE " + table + " SET " + ASSIGNMENTS
          + " WHERE projection_id = :projectionId"), state).execute();
      if (updated == 0) {
        insert(handle, state, 0);
      }
    }));
  }

  /**
   * Increments the projection's writer token under the row's lock, creating the initial state with
   * token 1 if there is none, and returns the new token.
   */
  public long claim(String projectionId) {
    return retryingInsertRace(() -> jdbi.inTransaction(handle -> {
      int updated = handle.createUpdate("UPDATE " + table
              + " SET writer_token = writer_token + 1 WHERE projection_id = :p")
          .bind("p", projectionId).execute();
      if (updated == 0) {
        insert(handle, ProjectionState.initial(projectionId, clock.instant()), 1);
      }
      return handle.createQuery("SELECT writer_token FROM " + table + " WHERE projection_id = :p")
          .bind("p", projectionId).mapTo(Long.class).one();
    }));
  }

  /**
   * The first statement of a commit: stores the commit's state if the stored checkpoint is the
   * expected one and the token is current, which locks the row until the transaction ends, so
   * concurrent committers queue on it.
   *
   * @throws WriterFencedException if the stored token is not the commit's
   * @throws CheckpointConflictException if the stored checkpoint is not the expected one
   */
  public void moveCheckpoint(Handle handle, Commit commit) {
    int updated = bindState(handle.createUpdate("UPDATE " + table + " SET " + ASSIGNMENTS
            + " WHERE projection_id = :projectionId AND last_position = :expected"
            + " AND writer_token = :token"), commit.state())
        .bind("expected", commit.expectedPosition())
        .bind("token", commit.writerToken())
        .execute();
    if (updated == 1) {
      return;
    }
    Optional<long[]> current = handle.createQuery("SELECT last_position, writer_token FROM "
            + table + " WHERE projection_id = :p")
        .bind("p", commit.projectionId())
        .map((rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).findOne();
    long position = current.map(c -> c[0]).orElse(0L);
    long token = current.map(c -> c[1]).orElse(0L);
    if (token != commit.writerToken()) {
      throw new WriterFencedException(commit.projectionId(), commit.writerToken(), token);
    }
    if (current.isPresent() || commit.expectedPosition() != 0) {
      throw new CheckpointConflictException(commit.projectionId(), commit.expectedPosition(), position);
    }
    try {
      insert(handle, commit.state(), 0);
    } catch (JdbiException e) {
      if (isDuplicateKey(e)) {
        throw new CheckpointConflictException(commit.projectionId(), 0, 0);
      }
      throw e;
    }
  }

  private void insert(Handle handle, ProjectionState state, long writerToken) {
    bindState(handle.createUpdate("INSERT INTO " + table + " (projection_id, last_event_id,"
            + " last_position, error_count, healthy, last_error, failed_position, updated_at,"
            + " writer_token) VALUES (:projectionId, :lastEventId, :lastPosition, :errorCount,"
            + " :healthy, :lastError, :failedPosition, :updatedAt, :writerToken)"), state)
        .bind("writerToken", writerToken)
        .execute();
  }

  private static <S extends SqlStatement<S>> S bindState(S statement, ProjectionState state) {
    return statement.bind("projectionId", state.projectionId())
        .bindByType("lastEventId", state.lastProcessedEventId(), String.class)
        .bind("lastPosition", state.lastProcessedPosition())
        .bind("errorCount", state.errorCount())
        .bind("healthy", state.healthy())
        .bindByType("lastError", state.lastError(), String.class)
        .bind("failedPosition", state.failedPosition())
        .bind("updatedAt", state.updatedAt().toString());
  }

  /**
   * Two processes may both find no row and both insert it; the database refuses the second insert,
   * and doing the whole transaction again then finds the row.
   */
  private <T> T retryingInsertRace(Supplier<T> action) {
    for (int attempt = 1; ; attempt++) {
      try {
        return action.get();
      } catch (JdbiException e) {
        if (!isDuplicateKey(e) || attempt >= INSERT_RACE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void retryingInsertRace(Runnable action) {
    retryingInsertRace(() -> {
      action.run();
      return null;
    });
  }

  private boolean isDuplicateKey(JdbiException failure) {
    return SqlFailures.sqlCause(failure).map(dialect::isDuplicateKey).orElse(false);
  }
}
