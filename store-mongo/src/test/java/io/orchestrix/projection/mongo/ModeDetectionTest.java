package io.orchestrix.projection.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.connection.ClusterConnectionMode;
import com.mongodb.connection.ClusterDescription;
import com.mongodb.connection.ClusterType;
import com.mongodb.connection.ServerConnectionState;
import com.mongodb.connection.ServerDescription;
import com.mongodb.connection.ServerType;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.mongo.internal.TransactionProbe;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Which commit mode runs, decided by topology and by how a real transaction behaves. */
class ModeDetectionTest {

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
  @DisplayName("auto mode picks standalone on the in-process server and says why")
  void autoPicksStandaloneOnTheInProcessServer() {
    assumeTrue(server.isEmbedded(), "the in-process server is in use only without PROJECTION_TEST_MONGO_URI");
    try (MongoProjectionStore store = open(MongoStoreMode.AUTO)) {
      assertThat(store.mode()).isEqualTo(MongoStoreMode.STANDALONE);
      assertThat(store.commitsAtomically()).isFalse();
      assertThat(store.modeReason()).contains("STANDALONE").contains("not a replica set");
    }
  }

  @Test
  @DisplayName("auto mode picks transactional on a replica set whose transactions behave")
  void autoPicksTransactionalOnAReplicaSet() {
    try (MongoClient client = MongoClients.create(server.uri())) {
      client.getDatabase("admin").runCommand(new BsonDocument("ping", new org.bson.BsonInt32(1)));
      assumeTrue(TransactionProbe.topologyObstacle(client.getClusterDescription()).isEmpty(),
          "needs a replica set or sharded cluster in PROJECTION_TEST_MONGO_URI");
    }
    try (MongoProjectionStore store = open(MongoStoreMode.AUTO)) {
      assertThat(store.mode()).as(store.modeReason()).isEqualTo(MongoStoreMode.TRANSACTIONAL);
      assertThat(store.commitsAtomically()).isTrue();
    }
  }

  @Test
  @DisplayName("the behaviour probe rejects a server that accepts startTransaction but not what follows")
  void probeRejectsAFakeTransaction() {
    assumeTrue(server.isEmbedded(), "the in-process server is in use only without PROJECTION_TEST_MONGO_URI");
    try (MongoClient client = MongoClients.create(server.uri())) {
      MongoCollection<BsonDocument> collection = client
          .getDatabase(server.database())
          .getCollection(TestMongo.freshPrefix() + "probe", BsonDocument.class);
      collection.insertOne(new BsonDocument());

      assertThat(TransactionProbe.behaviourObstacle(client, collection))
          .as("the in-process server starts a transaction client-side, then refuses the session")
          .hasValueSatisfying(reason -> assertThat(reason).contains("transaction failed"));
      assertThat(collection.countDocuments()).as("no sentinel left behind").isEqualTo(1);
      collection.drop();
    }
  }

  @Test
  @DisplayName("the topology check wants a replica set or sharded cluster with logical sessions")
  void topologyRules() {
    assertThat(TransactionProbe.topologyObstacle(cluster(ClusterType.STANDALONE, ServerType.STANDALONE, 30)))
        .hasValueSatisfying(reason -> assertThat(reason).contains("STANDALONE"));
    assertThat(TransactionProbe.topologyObstacle(
        cluster(ClusterType.REPLICA_SET, ServerType.REPLICA_SET_PRIMARY, null)))
        .hasValueSatisfying(reason -> assertThat(reason).contains("logical sessions"));
    assertThat(TransactionProbe.topologyObstacle(
        cluster(ClusterType.REPLICA_SET, ServerType.REPLICA_SET_PRIMARY, 30))).isEmpty();
    assertThat(TransactionProbe.topologyObstacle(cluster(ClusterType.SHARDED, ServerType.SHARD_ROUTER, 30)))
        .isEmpty();
  }

  @Test
  @DisplayName("transactional mode on a server without transactions is refused at open, with the reason")
  void forcedTransactionalRefused() {
    assumeTrue(server.isEmbedded(), "the in-process server is in use only without PROJECTION_TEST_MONGO_URI");
    assertThatThrownBy(() -> open(MongoStoreMode.TRANSACTIONAL))
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining("transactional mode was requested")
        .hasMessageContaining("STANDALONE");
  }

  @Test
  @DisplayName("standalone mode may be forced on any server")
  void forcedStandalone() {
    try (MongoProjectionStore store = open(MongoStoreMode.STANDALONE)) {
      assertThat(store.mode()).isEqualTo(MongoStoreMode.STANDALONE);
      assertThat(store.modeReason()).contains("requested");
    }
  }

  private static MongoProjectionStore open(MongoStoreMode mode) {
    return MongoProjectionStore.open(server.uri(),
        TestMongo.options(TestMongo.freshPrefix()).mode(mode).build());
  }

  private static ClusterDescription cluster(ClusterType type, ServerType serverType, Integer sessionMinutes) {
    ServerDescription server = ServerDescription.builder()
        .address(new ServerAddress("db.example", 27017))
        .state(ServerConnectionState.CONNECTED).ok(true)
        .type(serverType)
        .logicalSessionTimeoutMinutes(sessionMinutes)
        .build();
    return new ClusterDescription(ClusterConnectionMode.MULTIPLE, type, List.of(server));
  }
}
