package io.orchestrix.projection.eventstore.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.eventstore.jdbc.EventFixtures.Opened;
import io.orchestrix.projection.jdbc.JdbcProjectionStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event store on embedded H2, in memory: runs everywhere, with nothing to set up. */
@DisplayName("JDBC event store on H2")
class H2EventStoreTest extends JdbcEventStoreContract {

  private String url;

  @BeforeEach
  void freshDatabase() {
    url = "jdbc:h2:mem:events-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  @Override
  String url() {
    return url;
  }

  @Override
  void dropTables(String prefix) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.createStatement().execute("SHUTDOWN");
    }
  }

  @Test
  @DisplayName("event stores and projection stores opened at once on a new H2 file all open, on one schema")
  void concurrentOpensOfANewFileAllSucceed(@TempDir Path directory) throws Exception {
    String file = "jdbc:h2:file:" + directory.resolve("shared").toAbsolutePath();
    int openers = 6;
    CyclicBarrier start = new CyclicBarrier(openers);
    ExecutorService threads = Executors.newFixedThreadPool(openers);
    try {
      List<Future<AutoCloseable>> opened = new ArrayList<>();
      for (int i = 0; i < openers; i++) {
        boolean eventStore = i % 2 == 0;
        opened.add(threads.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return eventStore ? JdbcEventStore.open(file, EventFixtures.accountTypes(), Map.of())
              : JdbcProjectionStore.open(file, Map.of());
        }));
      }
      List<AutoCloseable> stores = new ArrayList<>();
      for (Future<AutoCloseable> store : opened) {
        stores.add(store.get(60, TimeUnit.SECONDS));
      }
      JdbcEventStore events = (JdbcEventStore) stores.get(0);
      events.append("acc", new Opened("acc", "ann"));
      assertThat(((JdbcEventStore) stores.get(2)).headPosition()).isEqualTo(1);
      for (AutoCloseable store : stores) {
        store.close();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  @DisplayName("without notifications awaitAppend returns false at once, and the runner polls")
  void awaitAppendDoesNotWait() throws InterruptedException {
    JdbcEventStore store = open(EventFixtures.accountTypes());
    store.append("acc", new Opened("acc", "ann"));

    long started = System.nanoTime();
    assertThat(store.awaitAppend(0, Duration.ofSeconds(5))).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  @DisplayName("a URL that leaves its host or database to the driver's defaults is refused before any connection")
  void incompleteUrlRefused() {
    for (String incomplete : List.of("jdbc:postgresql://", "jdbc:postgresql:", "jdbc:mariadb://db.invalid",
        "jdbc:mariadb://:3306/events", "jdbc:h2:", "jdbc:h2:mem:")) {
      assertThatThrownBy(() -> JdbcEventStore.open(incomplete, EventFixtures.accountTypes(), Map.of()))
          .as(incomplete).isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no");
    }
  }
}
