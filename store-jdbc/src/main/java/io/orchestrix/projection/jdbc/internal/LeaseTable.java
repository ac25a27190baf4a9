package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.jdbc.support.SqlFailures;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.LeaseNames;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;

/**
 * The table of leases, one row per group and resource, judged by the database's clock
 * ({@link SqlDialect#currentTimeMicros()}), never this process's. A row outlives a release (its owner
 * becomes null) so that its epoch keeps increasing: a lease taken afresh gets the row's epoch plus
 * one, a renewal in time keeps it.
 *
 * <p>Taking a lease is one transaction: the row is locked ({@code SELECT ... FOR UPDATE}), the
 * database's time is read after the lock is held, and the row is inserted or updated; two processes
 * inserting the same new row at once make one of them fail on the primary key and start over, so of
 * racers exactly one gets a free lease. Thread-safe.
 */
public final class LeaseTable {

  /** How often a take that lost the race to insert the same new row is done again. */
  private static final int INSERT_RACE_ATTEMPTS = 5;

  private static final String COLUMNS = "lease_owner, lease_epoch, expires_us";

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final String table;

  /** @param table the qualified table name */
  public LeaseTable(Jdbi jdbi, SqlDialect dialect, String table) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.table = table;
  }

  /** The statement creating the table: names are ASCII of {@link LeaseNames#MAX_LENGTH} at most. */
  static String createSql(SqlDialect dialect, String table) {
    String name = dialect.keyType(LeaseNames.MAX_LENGTH);
    return "CREATE TABLE IF NOT EXISTS " + table + " ("
        + "lease_group " + name + " NOT NULL, "
        + "lease_resource " + name + " NOT NULL, "
        + "lease_owner " + name + " NULL, "
        + "lease_epoch BIGINT NOT NULL, "
        + "acquired_us BIGINT NOT NULL, "
        + "expires_us BIGINT NOT NULL, "
        + "PRIMARY KEY (lease_group, lease_resource))" + dialect.tableOptions();
  }

  private record Held(@Nullable String owner, long epoch, long expiresMicros) {}

  /** See {@link io.orchestrix.projection.spi.ProjectionStore#acquireLease}; arguments are checked. */
  public Optional<Lease> acquire(String group, String resource, String owner, Duration ttl) {
    long ttlMicros = ttl.toNanos() / 1000;
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(handle -> acquire(handle, group, resource, owner, ttlMicros));
      } catch (JdbiException e) {
        boolean raceLost = SqlFailures.sqlCause(e).map(dialect::isDuplicateKey).orElse(false);
        if (!raceLost || attempt >= INSERT_RACE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private Optional<Lease> acquire(Handle handle, String group, String resource, String owner,
      long ttlMicros) {
    dialect.boundedStatements().ifPresent(handle::execute);
    Optional<Held> held = handle.createQuery("SELECT " + COLUMNS + " FROM " + table
            + " WHERE lease_group = :group AND lease_resource = :resource FOR UPDATE")
        .bind("group", group).bind("resource", resource)
        .map((rs, ctx) -> new Held(rs.getString(1), rs.getLong(2), rs.getLong(3))).findOne();
    long now = now(handle);
    long expires = now + ttlMicros;
    long epoch;
    if (held.isEmpty()) {
      epoch = 1;
      handle.createUpdate("INSERT INTO " + table + " (lease_group, lease_resource, lease_owner,"
              + " lease_epoch, acquired_us, expires_us) VALUES (:group, :resource, :owner, :epoch,"
              + " :now, :expires)")
          .bind("group", group).bind("resource", resource).bind("owner", owner)
          .bind("epoch", epoch).bind("now", now).bind("expires", expires).execute();
    } else {
      Held current = held.get();
      boolean live = current.owner() != null && current.expiresMicros() > now;
      if (live && !owner.equals(current.owner())) {
        return Optional.empty();
      }
      epoch = live ? current.epoch() : current.epoch() + 1;
      handle.createUpdate("UPDATE " + table + " SET lease_owner = :owner, lease_epoch = :epoch,"
              + " acquired_us = :now, expires_us = :expires"
              + " WHERE lease_group = :group AND lease_resource = :resource")
          .bind("group", group).bind("resource", resource).bind("owner", owner)
          .bind("epoch", epoch).bind("now", now).bind("expires", expires).execute();
    }
    return Optional.of(lease(group, resource, owner, epoch, expires, now));
  }

  private long now(Handle handle) {
    return handle.createQuery("SELECT " + dialect.currentTimeMicros()).mapTo(Long.class).one();
  }

  /** See {@link io.orchestrix.projection.spi.ProjectionStore#releaseLease}; arguments are checked. */
  public boolean release(String group, String resource, String owner) {
    return jdbi.withHandle(handle -> handle.createUpdate("UPDATE " + table
            + " SET lease_owner = NULL"
            + " WHERE lease_group = :group AND lease_resource = :resource AND lease_owner = :owner")
        .bind("group", group).bind("resource", resource).bind("owner", owner).execute()) == 1;
  }

  /** See {@link io.orchestrix.projection.spi.ProjectionStore#leases}: held ones, by resource. */
  public List<Lease> list(String group) {
    return jdbi.withHandle(handle -> handle.createQuery("SELECT lease_resource, " + COLUMNS + ", "
            + dialect.currentTimeMicros() + " FROM " + table
            + " WHERE lease_group = :group AND lease_owner IS NOT NULL ORDER BY lease_resource")
        .bind("group", group)
        .map((rs, ctx) -> listed(group, rs)).list());
  }

  private static Lease listed(String group, ResultSet rs) throws SQLException {
    return lease(group, rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5));
  }

  private static Lease lease(String group, String resource, String owner, long epoch,
      long expiresMicros, long nowMicros) {
    return new Lease(group, resource, owner, epoch, instant(expiresMicros),
        Duration.ofNanos((expiresMicros - nowMicros) * 1000));
  }

  private static Instant instant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        Math.floorMod(micros, 1_000_000L) * 1000);
  }
}
