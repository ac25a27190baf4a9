package io.orchestrix.projection.jdbc;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.tck.ProjectionStoreContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The contract kit on one database: each test gets its own table prefix, dropped afterwards, so runs
 * in parallel never collide. Subclasses name the database URL.
 */
abstract class JdbcStoreContractTest extends ProjectionStoreContract {

  private String prefix;

  /** The database URL, resolved through TestServers or embedded. */
  abstract String url();

  /** The URL with the credentials and settings the store's own pool would add. */
  String rawUrl() {
    return url();
  }

  String prefix() {
    return prefix;
  }

  JdbcStoreOptions options() {
    return JdbcStoreOptions.builder().tablePrefix(prefix).poolSize(3).build();
  }

  @BeforeEach
  void freshPrefix() {
    prefix = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
  }

  @AfterEach
  void dropTables() throws SQLException {
    JdbcTestDatabases.dropTablesWithPrefix(rawUrl(), prefix);
  }

  @Override
  protected ProjectionStore openStore() {
    return JdbcProjectionStore.open(url(), Map.of(JdbcStoreOptions.TABLE_PREFIX, prefix,
        JdbcStoreOptions.POOL_SIZE, "3"));
  }

  /**
   * A store on connections that die before the write after the given number. Its read models are
   * prepared here, as the store requires of every read model it writes: preparing runs only DDL and
   * reads, which are not counted as writes.
   */
  @Override
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    ProjectionStore failing = JdbcProjectionStore.create(
        new FaultInjectingDataSource(rawUrl(), writes, FaultInjectingDataSource.CRASH), options());
    failing.prepareReadModel(ORDERS);
    failing.prepareReadModel(NOTES);
    return failing;
  }

  @Override
  protected void makeStoredSchemaNewerThanCode() {
    try (Connection connection = DriverManager.getConnection(rawUrl())) {
      connection.createStatement().executeUpdate(
          "UPDATE " + prefix + "schema_version SET schema_version = 999 WHERE id = 1");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
