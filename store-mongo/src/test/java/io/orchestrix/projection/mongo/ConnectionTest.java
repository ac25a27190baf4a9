package io.orchestrix.projection.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.spi.support.StoreUris;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opening the store: URIs, properties, provider discovery, unreachable servers, credentials. */
class ConnectionTest {

  private static final String PASSWORD = "s3cr3t-Pa55word";
  private static TestMongo server;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Test
  @DisplayName("an unreachable server fails fast with a transient StoreException naming the host, never the password")
  void unreachableServer() throws Exception {
    int port = closedPort();
    String uri = "mongodb://alice:" + PASSWORD + "@127.0.0.1:" + port + "/orders?authSource=admin";

    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> ProjectionStoreProviders.open(uri,
        Map.of(MongoStoreOptions.SERVER_SELECTION_TIMEOUT_MS, "300")));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(failure).isInstanceOf(StoreException.class)
        .isNotInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("could not be reached");
    assertThat(((StoreException) failure).isTransient()).isTrue();
    assertThat(stackTraceOf(failure)).as("message and causes").doesNotContain(PASSWORD);
    assertThat(failure.getMessage()).contains("alice:****@");
    assertThat(tookMillis).as("milliseconds to give up with a 300 ms timeout").isLessThan(5_000);
  }

  @Test
  @DisplayName("refused credentials are a StoreException that is not transient and hides the password")
  void refusedCredentials() {
    ConnectionString real = new ConnectionString(server.uri());
    String uri = "mongodb://mallory:" + PASSWORD + "@" + String.join(",", real.getHosts()) + "/"
        + server.database() + "?authSource=admin";

    Throwable failure = catchThrowable(() -> MongoProjectionStore.open(uri,
        MongoStoreOptions.builder().collectionPrefix(TestMongo.freshPrefix()).build()));

    assertThat(failure).isInstanceOf(StoreException.class).hasMessageContaining("credentials of user 'mallory'");
    assertThat(((StoreException) failure).isTransient()).isFalse();
    assertThat(stackTraceOf(failure)).doesNotContain(PASSWORD);
  }

  @Test
  @DisplayName("the provider is found by ServiceLoader for mongodb and mongodb+srv")
  void providerDiscovered() {
    assertThat(ProjectionStoreProviders.availableSchemes())
        .containsEntry("mongodb", MongoProjectionStoreProvider.class.getName())
        .containsEntry("mongodb+srv", MongoProjectionStoreProvider.class.getName());
    try (ProjectionStore store = ProjectionStoreProviders.open(server.uri(),
        Map.of(MongoStoreOptions.COLLECTION_PREFIX, TestMongo.freshPrefix(),
            MongoStoreOptions.MODE, "standalone"))) {
      assertThat(store).isInstanceOf(MongoProjectionStore.class);
      assertThat(store.description()).isEqualTo(StoreUris.redact(server.uri()));
    }
  }

  @Test
  @DisplayName("an unknown property is refused, naming it")
  void unknownProperty() {
    assertThatThrownBy(() -> ProjectionStoreProviders.open(server.uri(), Map.of("colection-prefix", "x_")))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("'colection-prefix'").hasMessageContaining(MongoStoreOptions.COLLECTION_PREFIX);
  }

  @Test
  @DisplayName("bad property values are refused, naming the property and the value")
  void badPropertyValues() {
    assertThatThrownBy(() -> MongoStoreOptions.fromProperties(Map.of(MongoStoreOptions.MODE, "eventual")))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("mode").hasMessageContaining("eventual");
    assertThatThrownBy(() -> MongoStoreOptions.fromProperties(
        Map.of(MongoStoreOptions.SERVER_SELECTION_TIMEOUT_MS, "soon")))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("soon");
    assertThatThrownBy(() -> MongoStoreOptions.fromProperties(
        Map.of(MongoStoreOptions.SERVER_SELECTION_TIMEOUT_MS, "0")))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("serverSelectionTimeout");
    assertThatThrownBy(() -> MongoStoreOptions.fromProperties(
        Map.of(MongoStoreOptions.COLLECTION_PREFIX, "bad$prefix")))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("bad$prefix");
    assertThatThrownBy(() -> MongoStoreOptions.builder().database("a.b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.b");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mongodb:", "mongodb://", "mongodb:///db", "mongodb://host:99999/db",
      "mongodb://host:0/db", "mongodb://host:port/db", "mongodb://host/", "mongodb://host",
      "mongodb://host/?replicaSet=rs0", "mongodb+srv://", "mongodb+srv:///db", "mongodb+srv://host:27017/db",
      "mongodb://host/db.collection", "mongodb://host/bad$name", "redis://host/db"})
  @DisplayName("a malformed URI is refused with a StoreConfigurationException before any connection, never showing the password")
  void malformedUrisRefused(String shape) {
    String uri = shape.replaceFirst("://", "://alice:" + PASSWORD + "@");

    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> MongoProjectionStore.open(uri,
        MongoStoreOptions.builder().serverSelectionTimeout(Duration.ofSeconds(30)).build()));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertThat(failure).as(uri).isInstanceOf(StoreConfigurationException.class);
    assertThat(stackTraceOf(failure)).as("message and causes").doesNotContain(PASSWORD);
    assertThat(tookMillis).as("milliseconds to refuse without connecting (selection timeout 30 s)")
        .isLessThan(5_000);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"mongodb://alice:Zq9?Xw7#Kp@host:99999/db", "mongodb://alice:Zq9/Xw7#Kp@host/db",
      "mongodb://alice:Zq9%zzXw7#Kp@host/db", "mongodb://alice:Zq9?Xw7#Kp@/db",
      "mongodb://alice:Zq9@Xw7#Kp@host/db.collection", "mongodb+srv://alice:Zq9?Xw7#Kp@host:1/db"})
  @DisplayName("a password with characters MongoDB wants percent-encoded never shows in the refusal of its URI")
  void awkwardPasswordsNeverShown(String uri) {
    Throwable failure = catchThrowable(() -> MongoProjectionStore.open(uri));

    assertThat(failure).isInstanceOf(StoreConfigurationException.class);
    assertThat(stackTraceOf(failure)).as("message and causes")
        .doesNotContain("Zq9").doesNotContain("Xw7").doesNotContain("#Kp");
  }

  @Test
  @DisplayName("each kind of malformed URI is refused with a message that says what is wrong")
  void malformedUriMessages() {
    assertThatThrownBy(() -> MongoProjectionStore.open("mongodb:"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("scheme://host");
    assertThatThrownBy(() -> MongoProjectionStore.open("mongodb://"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no host");
    assertThatThrownBy(() -> MongoProjectionStore.open("mongodb:///db"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no host");
    assertThatThrownBy(() -> MongoProjectionStore.open("mongodb+srv://"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no host");
    assertThatThrownBy(() -> MongoProjectionStore.open("mongodb://host:99999/db"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("bad port '99999'");
    assertThatThrownBy(() -> MongoProjectionStore.open("mongodb://host/"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no database")
        .hasMessageContaining("'database'");
    assertThatThrownBy(() -> MongoProjectionStore.open("mongodb+srv://host:27017/db"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("malformed MongoDB URI");
    assertThatThrownBy(() -> MongoProjectionStore.open("redis://host/db"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("not a MongoDB URI");
  }

  @Test
  @DisplayName("the database comes from the URI, else the property; two different names are refused")
  void databaseChoice() {
    String withoutDatabase = server.uri().replaceFirst("^(mongodb(?:\\+srv)?://[^/?]+)/[^?]*", "$1/");
    assertThatThrownBy(() -> ProjectionStoreProviders.open(server.uri(), Map.of(MongoStoreOptions.DATABASE, "other")))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("other");
    assertThatThrownBy(() -> ProjectionStoreProviders.open(withoutDatabase, Map.of()))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no database");

    String prefix = TestMongo.freshPrefix();
    try (ProjectionStore store = ProjectionStoreProviders.open(withoutDatabase,
        Map.of(MongoStoreOptions.DATABASE, "chosen_db", MongoStoreOptions.COLLECTION_PREFIX, prefix));
        MongoClient client = MongoClients.create(withoutDatabase)) {
      store.saveState(io.orchestrix.projection.ProjectionState.initial("p", java.time.Instant.EPOCH));
      assertThat(client.getDatabase("chosen_db").getCollection(prefix + "state").countDocuments())
          .isEqualTo(1);
      client.getDatabase("chosen_db").drop();
    }
  }

  @Test
  @DisplayName("a store over an application's client leaves the client open when closed")
  void applicationClient() {
    try (MongoClient client = MongoClients.create(server.uri())) {
      MongoProjectionStore store = MongoProjectionStore.open(client, "app_db",
          TestMongo.options(TestMongo.freshPrefix()).build());
      store.saveState(io.orchestrix.projection.ProjectionState.initial("p", java.time.Instant.EPOCH));
      store.close();
      store.close();

      assertThat(client.getDatabase("app_db").listCollectionNames().into(new java.util.ArrayList<>()))
          .isNotEmpty();
      assertThatThrownBy(() -> store.loadState("p")).isInstanceOf(StoreException.class)
          .hasMessageContaining("closed")
          .satisfies(failure -> assertThat(((StoreException) failure).kind()).isEqualTo(FailureKind.FATAL));
      client.getDatabase("app_db").drop();
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String stackTraceOf(Throwable failure) {
    StringWriter text = new StringWriter();
    failure.printStackTrace(new PrintWriter(text));
    return text.toString();
  }
}
