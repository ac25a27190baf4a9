package io.orchestrix.projection.mongo;

import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.tck.StoreFixtures;
import io.orchestrix.projection.spi.ReadModelSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The collections, indexes and documents the store keeps, and the round trips a commit makes. */
class LayoutTest {

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
  @DisplayName("collections, indexes on every declared field and the document layout are as documented")
  void layout() {
    String prefix = TestMongo.freshPrefix();
    try (MongoClient client = MongoClients.create(server.uri());
        MongoProjectionStore store = MongoProjectionStore.open(client, database(),
            TestMongo.options(prefix).build())) {
      store.prepareReadModel(new ReadModelSchema("orders", List.of("status", "customer_id")));
      store.prepareReadModel(new ReadModelSchema("orders", List.of("status", "customer_id")));
      long token = store.claimWriter("p");
      store.commit(commit("p", token, 0, 7, List.of(put("orders", order("o-1", "PAID", "c-9", 5, 7)))));

      MongoDatabase db = client.getDatabase(database());
      assertThat(db.listCollectionNames().into(new ArrayList<>())).contains(
          prefix + "meta", prefix + "state", prefix + "dead_letters", prefix + "leases",
          prefix + "rm_orders");
      List<String> indexKeys = new ArrayList<>();
      db.getCollection(prefix + "rm_orders").listIndexes()
          .forEach(index -> indexKeys.add(index.getString("name") + "=" + index.get("key", Document.class).toJson()));
      assertThat(indexKeys).contains(
          "index_status={\"latest.index.status\": 1, \"_id\": 1}",
          "index_customer_id={\"latest.index.customer_id\": 1, \"_id\": 1}");
      Document stored = db.getCollection(prefix + "rm_orders").find().first();
      assertThat(stored.keySet()).containsExactly("_id", "latest");
      Document latest = stored.get("latest", Document.class);
      assertThat(latest.keySet()).containsExactly("position", "writer", "sequence", "partition", "index", "doc");
      assertThat(latest.getInteger("partition")).as("written by no partition").isEqualTo(-1);
      assertThat(latest.getLong("writer")).isEqualTo(token);
      assertThat(latest.getLong("position")).isEqualTo(7);
      assertThat(latest.get("doc", Document.class).getString("status")).isEqualTo("PAID");
      Document state = db.getCollection(prefix + "state").find(new Document("_id", "p")).first();
      assertThat(state.getLong("checkpoint")).isEqualTo(7);
      assertThat(state.getLong("writerToken")).isEqualTo(token);
    }
  }

  @Test
  @DisplayName("a commit of 2,000 changes in two read models is one bulk write per collection")
  void oneBulkWritePerCollection() {
    String prefix = TestMongo.freshPrefix();
    List<String> commands = Collections.synchronizedList(new ArrayList<>());
    try (MongoClient client = recordingClient(prefix, commands);
        MongoProjectionStore store = MongoProjectionStore.open(client, database(),
            TestMongo.options(prefix).build())) {
      store.prepareReadModel(new ReadModelSchema("orders", List.of("status")));
      store.prepareReadModel(new ReadModelSchema("notes", List.of()));
      long token = store.claimWriter("p");
      List<StoreFixtures.Change> changes = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        changes.add(put("orders", order("o-" + i, "PLACED", "c", i, 1 + i)));
        changes.add(put("notes", order("n-" + i, "NOTE", "c", i, 1 + i)));
      }
      commands.clear();
      store.commit(commit("p", token, 0, 1_000, changes));

      boolean standalone = store.mode() == MongoStoreMode.STANDALONE;
      assertThat(commands).as("round trips in %s mode", store.mode()).containsExactlyElementsOf(standalone
          ? List.of("find:state", "update:rm_orders", "update:rm_notes", "update:state")
          : List.of("find:state", "update:state", "update:rm_orders", "update:rm_notes"));
      assertThat(store.count("orders")).isEqualTo(1_000);

      commands.clear();
      store.commit(commit("p", token, 1_000, 1_001, List.of(delete("orders", "o-1"), delete("orders", "o-2"))));
      assertThat(commands).as("deletes in one round trip; in standalone mode after the checkpoint moved")
          .containsExactlyElementsOf(standalone
              ? List.of("find:state", "update:state", "delete:rm_orders", "update:state")
              : List.of("find:state", "update:state", "delete:rm_orders"));
      assertThat(store.count("orders")).isEqualTo(998);
    }
  }

  @Test
  @DisplayName("a partitioned commit adds one query per read model, before any write, and nothing per document")
  void partitionedCommitChecksOncePerCollection() {
    String prefix = TestMongo.freshPrefix();
    List<String> commands = Collections.synchronizedList(new ArrayList<>());
    try (MongoClient client = recordingClient(prefix, commands);
        MongoProjectionStore store = MongoProjectionStore.open(client, database(),
            TestMongo.options(prefix).build())) {
      store.prepareReadModel(new ReadModelSchema("orders", List.of("status")));
      store.prepareReadModel(new ReadModelSchema("notes", List.of()));
      String key = ProjectionIds.partitionKey("p", 3);
      long token = store.claimWriter(key);
      List<StoreFixtures.Change> changes = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        changes.add(put("orders", order("o-" + i, "PLACED", "c", i, 1 + i)));
        changes.add(put("notes", order("n-" + i, "NOTE", "c", i, 1 + i)));
      }
      commands.clear();
      store.commit(commit(key, token, 0, 1_000, changes).inPartition(3));

      assertThat(commands).as("round trips in %s mode", store.mode()).containsExactlyElementsOf(
          store.mode() == MongoStoreMode.STANDALONE
              ? List.of("find:state", "find:rm_orders", "find:rm_notes", "update:rm_orders",
                  "update:rm_notes", "update:state")
              : List.of("find:state", "find:rm_orders", "find:rm_notes", "update:state",
                  "update:rm_orders", "update:rm_notes"));
      Document stored = client.getDatabase(database()).getCollection(prefix + "rm_orders")
          .find(new Document("_id", "o-7")).first();
      assertThat(stored.get("latest", Document.class).getInteger("partition")).isEqualTo(3);
    }
  }

  /** A client that records the name and collection of each read and write command it sends. */
  private static MongoClient recordingClient(String prefix, List<String> commands) {
    CommandListener listener = new CommandListener() {
      @Override
      public void commandStarted(CommandStartedEvent event) {
        BsonDocument command = event.getCommand();
        String name = event.getCommandName();
        if (List.of("insert", "update", "delete", "findAndModify", "find").contains(name)) {
          commands.add(name + ":" + command.getString(name).getValue().replace(prefix, ""));
        }
      }
    };
    return MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(server.uri())).addCommandListener(listener).build());
  }

  private static String database() {
    return server.database();
  }
}
