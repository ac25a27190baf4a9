package io.orchestrix.projection.examples.orders;

import java.sql.SQLException;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on PostgreSQL, as set by {@code spring.datasource.url}: the database of
 * {@code PROJECTION_TEST_POSTGRES_URL}, else the local default; its tables (prefix {@code ord_}) are
 * dropped first so each run starts empty.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "orchestrix.projections.store.properties.table-prefix=ord_",
    "orchestrix.projections.source.properties.table-prefix=ord_",
    "orchestrix.projections.read-your-writes-timeout=1s"})
class OrdersOnPostgresqlTest extends OrdersHttpContract {

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) throws SQLException {
    String url = PostgresDatabase.url();
    PostgresDatabase.dropTables(url, "ord_");
    registry.add("spring.datasource.url", () -> url);
  }
}
