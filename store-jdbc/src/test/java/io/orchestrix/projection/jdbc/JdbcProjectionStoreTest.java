package io.orchestrix.projection.jdbc;

import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the JDBC store adds to the contract: opening, options, errors, limits; on embedded H2. */
@DisplayName("JDBC store: opening, options, errors and limits (H2)")
class JdbcProjectionStoreTest {

  private static final ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status", "customer_id"));

  private String url;

  @BeforeEach
  void freshDatabase() {
    url = "jdbc:h2:mem:store-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  }

  @AfterEach
  void dropDatabase() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.createStatement().execute("SHUTDOWN");
    }
  }

  @Test
  @DisplayName("ProjectionStores opens jdbc:h2, jdbc:postgresql and jdbc:mariadb URLs through this provider")
  void discoveredByScheme() {
    assertThat(ProjectionStoreProviders.availableSchemes())
        .containsEntry("jdbc:h2", JdbcProjectionStoreProvider.class.getName())
        .containsEntry("jdbc:postgresql", JdbcProjectionStoreProvider.class.getName())
        .containsEntry("jdbc:mariadb", JdbcProjectionStoreProvider.class.getName());
    try (ProjectionStore store = ProjectionStoreProviders.open(url, Map.of("table-prefix", "app_"))) {
      assertThat(store).isInstanceOf(JdbcProjectionStore.class);
      assertThat(((JdbcProjectionStore) store).databaseName()).isEqualTo("H2");
      assertThat(store.description()).contains("app_");
    }
  }

  @Test
  @DisplayName("an unknown property is refused with a message naming the key")
  void unknownPropertyRefused() {
    assertThatThrownBy(() -> ProjectionStoreProviders.open(url, Map.of("tabel-prefix", "x_")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("tabel-prefix")
        .hasMessageContaining("table-prefix");
  }

  @Test
  @DisplayName("a bad property value is refused naming the key and the value")
  void badPropertyValueRefused() {
    assertThatThrownBy(() -> ProjectionStoreProviders.open(url, Map.of("pool-size", "many")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("pool-size").hasMessageContaining("many");
    assertThatThrownBy(() -> ProjectionStoreProviders.open(url, Map.of("table-prefix", "Drop Table;")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("table-prefix").hasMessageContaining("Drop Table;");
  }

  @Test
  @DisplayName("the options builder checks each setting at once")
  void builderChecks() {
    assertThatThrownBy(() -> JdbcStoreOptions.builder().poolSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("poolSize").hasMessageContaining("0");
    assertThatThrownBy(() -> JdbcStoreOptions.builder().tablePrefix("x".repeat(21)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tablePrefix");
    assertThatThrownBy(() -> JdbcStoreOptions.builder().schema("1abc"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
  }

  @Test
  @DisplayName("a JDBC URL of an unsupported database is refused, naming the supported ones")
  void unsupportedDatabase() {
    assertThatThrownBy(() -> JdbcProjectionStore.open("jdbc:sqlite:/tmp/x.db", Map.of()))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("jdbc:postgresql").hasMessageContaining("jdbc:sqlite");
  }

  @Test
  @DisplayName("an unreachable server is a transient StoreException naming the URL without its password")
  void unreachableServer() {
    String unreachable = "jdbc:postgresql://127.0.0.1:1/test?user=postgres&password=s3cret";

    StoreException failure = catchThrowableOfType(StoreException.class,
        () -> JdbcProjectionStore.open(unreachable, Map.of("connection-timeout-ms", "1000")));

    assertThat(failure).isNotNull();
    assertThat(failure.isTransient()).isTrue();
    assertThat(failure).hasMessageContaining("127.0.0.1:1").hasMessageContaining("password=****");
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).as("message in the cause chain").doesNotContain("s3cret");
    }
  }

  @Test
  @DisplayName("a malformed URL is a StoreConfigurationException without the password")
  void malformedUrl() {
    Throwable failure = catchThrowableOfType(StoreConfigurationException.class,
        () -> JdbcProjectionStore.open("jdbc:postgresql://db:notaport/test?password=s3cret", Map.of()));

    assertThat(failure).hasMessageContaining("bad port").hasMessageContaining("db:notaport")
        .hasMessageNotContaining("s3cret");
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).doesNotContain("s3cret");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"jdbc:postgresql://", "jdbc:postgresql://?password=s3cret",
      "jdbc:postgresql://db.invalid", "jdbc:postgresql://db.invalid/?user=u&password=s3cret",
      "jdbc:postgresql:", "jdbc:postgresql:test?password=s3cret", "jdbc:postgresql://:5432/test",
      "jdbc:mariadb://db.invalid", "jdbc:mariadb://db.invalid:3306/?password=s3cret",
      "jdbc:mariadb://:3306/db", "jdbc:mariadb://u:s3cret@:3306/db", "jdbc:mariadb:",
      "jdbc:h2:", "jdbc:h2:;PASSWORD=s3cret", "jdbc:h2:mem:", "jdbc:h2:mem:;PASSWORD=s3cret",
      "jdbc:h2:file:", "jdbc:h2:tcp://", "jdbc:h2:tcp://localhost/"})
  @DisplayName("a URL that leaves its host or database to the driver's defaults is refused before any connection, without its password")
  void incompleteUrlRefused(String incomplete) {
    StoreConfigurationException failure = catchThrowableOfType(StoreConfigurationException.class,
        () -> JdbcProjectionStore.open(incomplete, Map.of("connection-timeout-ms", "250")).close());

    assertThat(failure).as("refusal of %s", incomplete).isNotNull();
    assertThat(failure.getMessage()).as("what is missing").containsPattern("names no (host|database|H2 database)");
    for (Throwable t = failure; t != null; t = t.getCause()) {
      assertThat(String.valueOf(t.getMessage())).as("message in the cause chain").doesNotContain("s3cret");
    }
  }

  @Test
  @DisplayName("an H2 file whose directory cannot be created fails in one line saying so, and nothing is printed")
  void h2FileInDirectoryThatCannotBeCreated(@TempDir Path directory) throws IOException {
    Path notADirectory = Files.createFile(directory.resolve("not-a-directory"));
    String fileUrl = "jdbc:h2:file:" + notADirectory.resolve("projections") + ";PASSWORD=s3cret";
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    StoreConfigurationException failure;
    try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(capture);
      failure = catchThrowableOfType(StoreConfigurationException.class,
          () -> JdbcProjectionStore.open(fileUrl, Map.of()).close());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }

    assertThat(failure).as("failure to open").isNotNull();
    assertThat(failure.getMessage()).as("one line").doesNotContain("\n")
        .contains(notADirectory.toString()).contains("directory").doesNotContain("s3cret");
    assertThat(printed.toString(StandardCharsets.UTF_8)).as("printed while opening").isEmpty();
  }

  @Test
  @DisplayName("H2 in file mode keeps state and documents across close and reopen")
  void h2FileModeIsDurable(@TempDir Path directory) {
    String fileUrl = "jdbc:h2:file:" + directory.resolve("projections").toAbsolutePath();
    try (ProjectionStore store = ProjectionStoreProviders.open(fileUrl)) {
      store.prepareReadModel(ORDERS);
      long token = store.claimWriter("p");
      store.commit(commit("p", token, 0, 7, List.of(put("orders", order("o-1", "PLACED", "c", 5, 7)))));
    }
    try (ProjectionStore reopened = ProjectionStoreProviders.open(fileUrl)) {
      reopened.prepareReadModel(ORDERS);
      assertThat(reopened.loadState("p").orElseThrow().lastProcessedPosition()).isEqualTo(7);
      assertThat(reopened.find("orders", "o-1")).isPresent();
      assertThat(reopened.findByIndex("orders", "status", "PLACED")).hasSize(1);
    }
  }

  @Test
  @DisplayName("opening records the schema version, and migrates tables of an older version keeping their data")
  void schemaVersionRecordedAndMigrated() throws SQLException {
    try (JdbcProjectionStore store = JdbcProjectionStore.open(url, Map.of())) {
      store.saveState(io.orchestrix.projection.tck.StoreFixtures.stateAt("p", 4));
    }
    assertThat(storedSchemaVersion()).isEqualTo(JdbcProjectionStore.SCHEMA_VERSION);
    try (Connection connection = DriverManager.getConnection(url)) {
      connection.createStatement().executeUpdate("UPDATE orx_schema_version SET schema_version = 0");
    }

    try (JdbcProjectionStore reopened = JdbcProjectionStore.open(url, Map.of())) {
      assertThat(storedSchemaVersion()).isEqualTo(JdbcProjectionStore.SCHEMA_VERSION);
      assertThat(reopened.loadState("p").orElseThrow().lastProcessedPosition()).isEqualTo(4);
    }
  }

  private int storedSchemaVersion() throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
         java.sql.ResultSet rs = connection.createStatement().executeQuery("SELECT schema_version FROM orx_schema_version")) {
      assertThat(rs.next()).as("a schema version row").isTrue();
      return rs.getInt(1);
    }
  }

  @Test
  @DisplayName("table prefixes and schemas keep applications sharing a database apart")
  void prefixesAndSchemasIsolate() {
    try (JdbcProjectionStore first = JdbcProjectionStore.open(url, Map.of("table-prefix", "one_"));
         JdbcProjectionStore second = JdbcProjectionStore.open(url, Map.of("table-prefix", "two_"));
         JdbcProjectionStore third = JdbcProjectionStore.open(url, Map.of("schema", "other_app"))) {
      for (JdbcProjectionStore store : List.of(first, second, third)) {
        store.prepareReadModel(ORDERS);
      }
      first.commit(commit("p", first.claimWriter("p"), 0, 1, List.of(put("orders", order("o-1", "A", "c", 1, 1)))));
      third.commit(commit("p", third.claimWriter("p"), 0, 3, List.of(put("orders", order("o-3", "A", "c", 1, 3)))));

      assertThat(second.count("orders")).isZero();
      assertThat(second.loadState("p")).isEmpty();
      assertThat(first.find("orders", "o-3")).isEmpty();
      assertThat(third.find("orders", "o-1")).isEmpty();
      assertThat(third.loadState("p").orElseThrow().lastProcessedPosition()).isEqualTo(3);
    }
  }

  @Test
  @DisplayName("documents beyond the store's limits are refused before anything is written")
  void limitsRefused() {
    try (JdbcProjectionStore store = JdbcProjectionStore.open(url, Map.of())) {
      store.prepareReadModel(ORDERS);
      String huge = "{\"x\":\"" + "a".repeat(JdbcProjectionStore.MAX_DOCUMENT_LENGTH) + "\"}";
      assertThatThrownBy(() -> store.checkDocument("orders", doc("big", huge, Map.of(), 1)))
          .isInstanceOf(InvalidDocumentException.class)
          .hasMessageContaining("orders").hasMessageContaining("big").hasMessageContaining("characters");
      String longValue = "v".repeat(JdbcProjectionStore.MAX_INDEX_VALUE_LENGTH + 1);
      long token = store.claimWriter("p");

      assertThatThrownBy(() -> store.commit(commit("p", token, 0, 1, List.of(
              put("orders", order("fine", "OK", "c", 1, 1)),
              put("orders", doc("long", "{}", Map.of("status", longValue), 1))))))
          .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("status");
      assertThat(store.count("orders")).isZero();
      assertThat(store.loadState("p").orElseThrow().lastProcessedPosition()).isZero();
    }
  }

  @Test
  @DisplayName("a read model not prepared on this store instance is refused, naming it, for writes and reads alike")
  void unpreparedReadModel() {
    try (JdbcProjectionStore store = JdbcProjectionStore.open(url, Map.of())) {
      long token = store.claimWriter("p");

      assertThatThrownBy(() -> store.commit(commit("p", token, 0, 1, List.of(put("ghost", doc("g", "{}", Map.of(), 1))))))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost").hasMessageContaining("prepareReadModel");
      assertThatThrownBy(() -> store.find("ghost", "g"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost");
      assertThatThrownBy(() -> store.count("ghost"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ghost");
      assertThat(store.loadState("p").orElseThrow().lastProcessedPosition()).isZero();
    }
  }

  @Test
  @DisplayName("a store on the caller's Jdbi leaves the caller's connections open when closed")
  void callersJdbiStaysOpen() {
    Jdbi jdbi = Jdbi.create(url);
    JdbcProjectionStore store = JdbcProjectionStore.create(jdbi, JdbcStoreOptions.defaults());
    store.prepareReadModel(ORDERS);
    store.close();

    long rows = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM orx_rm_orders").mapTo(Long.class).one());
    assertThat(rows).isZero();
    assertThatThrownBy(() -> store.count("orders")).isInstanceOf(StoreException.class).hasMessageContaining("closed");
  }
}
