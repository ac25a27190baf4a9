package io.orchestrix.projection.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.jdbc.support.JdbcDatabase;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.jdbc.support.SqlFailures;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A node stopped in the middle of a transaction (a long GC pause, {@code SIGSTOP}) must not keep its
 * row locks for as long as it is stopped, or no other node could take its partitions over: the server
 * ends a session idle inside a transaction after {@link SqlDialect#STALLED_TRANSACTION_SECONDS}. What
 * the client then gets when it resumes is an outage, which its runner retries on a new connection.
 */
@DisplayName("JDBC pools: the server ends a transaction its client has stalled in")
class StalledTransactionTest {

  @Test
  void postgresEndsASessionIdleInATransaction() throws Exception {
    String url = JdbcTestDatabases.postgres();
    assertStalledSessionEnds(url, "SELECT pg_backend_pid()",
        "SELECT count(*) FROM pg_stat_activity WHERE pid = ?");
  }

  @Test
  void mariaDbEndsASessionIdleInATransaction() throws Exception {
    String url = JdbcTestDatabases.mariadb();
    assertStalledSessionEnds(url, "SELECT CONNECTION_ID()",
        "SELECT count(*) FROM information_schema.processlist WHERE id = ?");
  }

  private static void assertStalledSessionEnds(String url, String sessionId, String sessionsWithId)
      throws Exception {
    try (JdbcDatabase database = JdbcDatabase.open(url, 2, Duration.ofSeconds(10));
         Connection observer = DriverManager.getConnection(url)) {
      Handle stalled = database.jdbi().open();
      stalled.execute("START TRANSACTION");
      long id = stalled.createQuery(sessionId).mapTo(Long.class).one();
      assertThat(sessions(observer, sessionsWithId, id)).isEqualTo(1);

      // the transaction is left open, as by a client that stopped between two statements
      await("the server ends the stalled session").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> sessions(observer, sessionsWithId, id) == 0);
      Throwable resumed = catchThrowable(() -> stalled.createQuery("SELECT 1").mapTo(Integer.class)
          .one());
      assertThat(resumed).as("the stalled client finds its transaction gone when it resumes")
          .isInstanceOf(RuntimeException.class);
      // a runner retries it on a new connection rather than stopping the projection
      assertThat(SqlFailures.translate(database.dialect(), "reading", url, null,
          (RuntimeException) resumed).kind()).as("%s", resumed).isEqualTo(FailureKind.TRANSIENT);
      // closing returns the dead connection to the pool, which drops it; what the driver says
      // about the lost session then is of no interest here
      catchThrowable(stalled::close);
    }
  }

  private static long sessions(Connection observer, String sql, long id) throws Exception {
    try (PreparedStatement statement = observer.prepareStatement(sql)) {
      statement.setLong(1, id);
      try (ResultSet found = statement.executeQuery()) {
        found.next();
        return found.getLong(1);
      }
    }
  }
}
