package io.orchestrix.projection.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.mongo.internal.StoreErrors;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInvalidOperationException;
import org.bson.BsonString;
import org.bson.types.ObjectId;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which failures are outages (transient) and which will happen again (fatal). The in-process server
 * cannot step down, fail over or time out an operation, so those failures are classified here as the
 * driver raises them (its own exception types and server error codes); stopped servers, refused
 * connections and silent servers are produced for real in {@link OutageTest}, refused credentials in
 * {@link ConnectionTest}, and data the store did not write below.
 */
class FailureKindsTest {

  private static final String PASSWORD = "pa55-w0rd";
  private static final ServerAddress ADDRESS = new ServerAddress("db1.example", 27017);
  private static final StoreErrors ERRORS = new StoreErrors("mongodb://app:****@db1.example/shop",
      List.of("db1.example:27017"), "app", PASSWORD.toCharArray());
  private static TestMongo server;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static BsonDocument reply(int code, String name, String... labels) {
    BsonArray labelValues = new BsonArray();
    for (String label : labels) {
      labelValues.add(new BsonString(label));
    }
    return new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
        .append("codeName", new BsonString(name)).append("errmsg", new BsonString(name))
        .append("errorLabels", labelValues);
  }

  private static BulkWriteResult nothingWritten() {
    return BulkWriteResult.acknowledged(0, 0, 0, 0, List.of(), List.of());
  }

  static Stream<Arguments> driverFailures() {
    return Stream.of(
        Arguments.of("connection refused", FailureKind.TRANSIENT,
            new MongoSocketOpenException("Exception opening socket", ADDRESS, new IOException("Connection refused"))),
        Arguments.of("connection dropped", FailureKind.TRANSIENT,
            new MongoSocketReadException("Prematurely reached end of stream", ADDRESS)),
        Arguments.of("no reply within the socket timeout", FailureKind.TRANSIENT,
            new MongoSocketReadTimeoutException("Timeout while receiving message", ADDRESS, new IOException("Read timed out"))),
        Arguments.of("no server within the selection timeout", FailureKind.TRANSIENT,
            new MongoTimeoutException("Timed out while waiting for a server")),
        Arguments.of("not primary", FailureKind.TRANSIENT,
            new MongoNotPrimaryException(reply(10107, "NotWritablePrimary"), ADDRESS)),
        Arguments.of("not primary, no secondary reads", FailureKind.TRANSIENT,
            new MongoNotPrimaryException(reply(13435, "NotPrimaryNoSecondaryOk"), ADDRESS)),
        Arguments.of("shutting down", FailureKind.TRANSIENT,
            new MongoNodeIsRecoveringException(reply(91, "ShutdownInProgress"), ADDRESS)),
        Arguments.of("primary stepped down", FailureKind.TRANSIENT,
            new MongoCommandException(reply(189, "PrimarySteppedDown"), ADDRESS)),
        Arguments.of("interrupted by a replica-set state change", FailureKind.TRANSIENT,
            new MongoCommandException(reply(11602, "InterruptedDueToReplStateChange"), ADDRESS)),
        Arguments.of("operation out of time on the server", FailureKind.TRANSIENT,
            new MongoExecutionTimeoutException(50, "operation exceeded time limit")),
        Arguments.of("write concern not satisfied in time", FailureKind.TRANSIENT,
            new MongoWriteConcernException(new WriteConcernError(64, "WriteConcernFailed",
                "waiting for replication timed out", new BsonDocument()), ADDRESS)),
        Arguments.of("bulk write whose write concern failed by a shutdown", FailureKind.TRANSIENT,
            new MongoBulkWriteException(nothingWritten(), List.of(), new WriteConcernError(91,
                "ShutdownInProgress", "shutting down", new BsonDocument()), ADDRESS, Set.of())),
        Arguments.of("transient transaction error", FailureKind.TRANSIENT,
            new MongoCommandException(reply(251, "NoSuchTransaction", "TransientTransactionError"), ADDRESS)),
        Arguments.of("refused credentials", FailureKind.FATAL,
            new MongoSecurityException(MongoCredential.createCredential("app", "admin", PASSWORD.toCharArray()),
                "Exception authenticating", new MongoCommandException(reply(18, "AuthenticationFailed"), ADDRESS))),
        Arguments.of("not authorised", FailureKind.FATAL,
            new MongoCommandException(reply(13, "Unauthorized"), ADDRESS)),
        Arguments.of("duplicate key", FailureKind.FATAL,
            new MongoWriteException(new WriteError(11000, "E11000 duplicate key", new BsonDocument()), ADDRESS)),
        Arguments.of("bulk write with a duplicate key", FailureKind.FATAL,
            new MongoBulkWriteException(nothingWritten(),
                List.of(new BulkWriteError(11000, "E11000 duplicate key", new BsonDocument(), 0)), null, ADDRESS, Set.of())),
        Arguments.of("bad value", FailureKind.FATAL, new MongoCommandException(reply(2, "BadValue"), ADDRESS)),
        Arguments.of("data in an unknown layout", FailureKind.FATAL,
            new IllegalStateException("a stored document lacks its _id or latest.doc field")),
        Arguments.of("a field of the wrong BSON type", FailureKind.FATAL,
            new BsonInvalidOperationException("Value expected to be of type INT64 but is of type STRING")));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("driverFailures")
  @DisplayName("a driver failure becomes a StoreException of the kind that says whether retrying may help, naming the servers and the operation")
  void driverFailuresByKind(String what, FailureKind kind, RuntimeException failure) {
    StoreException translated = ERRORS.translate(failure, "committing projection 'p'", "p");

    assertThat(translated.kind()).as(what).isEqualTo(kind);
    assertThat(translated.getMessage()).contains("db1.example:27017").contains("committing projection 'p'")
        .doesNotContain(PASSWORD);
    assertThat(translated.projectionId()).contains("p");
    assertThat(translated).hasCause(failure);
  }

  @Test
  @DisplayName("documents and states the store did not write are fatal failures of the read, naming what is wrong")
  void foreignDataIsFatal() {
    String prefix = TestMongo.freshPrefix();
    try (MongoProjectionStore store = MongoProjectionStore.open(server.uri(), TestMongo.options(prefix).build());
        MongoClient client = MongoClients.create(server.uri())) {
      store.prepareReadModel(new ReadModelSchema("orders", List.of()));
      MongoDatabase database = client.getDatabase(server.database());
      database.getCollection(prefix + "rm_orders").insertMany(List.of(
          new Document("_id", "object-id").append("latest", new Document("position", 1L)
              .append("index", new Document()).append("doc", new Document("ref", new ObjectId()))),
          new Document("_id", "no-latest").append("doc", new Document("a", 1))));
      database.getCollection(prefix + "state").insertOne(new Document("_id", "broken")
          .append("checkpoint", "twelve").append("writerToken", 1L));

      assertFatal(catchThrowable(() -> store.find("orders", "object-id")), "OBJECT_ID");
      assertFatal(catchThrowable(() -> store.find("orders", "no-latest")), "latest.doc");
      assertFatal(catchThrowable(() -> store.loadState("broken")), "broken");
    }
  }

  private static void assertFatal(Throwable failure, String named) {
    assertThat(failure).isInstanceOf(StoreException.class).hasMessageContaining(named);
    assertThat(((StoreException) failure).kind()).isEqualTo(FailureKind.FATAL);
  }
}
