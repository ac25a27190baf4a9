package io.orchestrix.projection.mongo;

import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.mongo.internal.WriteFaults;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.StoreFixtures.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What the MongoDB store adds to the kit's partition contract: the conditional writes that decide a
 * race the check before writing cannot see, and documents stored before the store kept partitions.
 */
class PartitionsTest {

  private static final String PROJECTION = "split";
  private static final ReadModelSchema ORDERS = new ReadModelSchema("orders", List.of("status"));
  private static TestMongo server;
  private final List<MongoProjectionStore> opened = new ArrayList<>();
  private String prefix;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshPrefix() {
    prefix = TestMongo.freshPrefix();
  }

  @AfterEach
  void closeStores() {
    opened.forEach(MongoProjectionStore::close);
    server.drop(prefix);
  }

  private MongoProjectionStore open(MongoStoreMode mode, WriteFaults faults) {
    MongoProjectionStore store = MongoProjectionStore.open(server.uri(),
        TestMongo.options(prefix).mode(mode).build(), faults);
    store.prepareReadModel(ORDERS);
    opened.add(store);
    return store;
  }

  private static String key(int partition) {
    return ProjectionIds.partitionKey(PROJECTION, partition);
  }

  private static Commit partitionCommit(int partition, long token, long from, long to, List<Change> changes) {
    return commit(key(partition), token, from, to, changes).inPartition(partition);
  }

  @Test
  @DisplayName("a partition that creates a document another partition created after its check is refused by the conditional upsert; the other's document stands")
  void raceAfterTheCheckIsRefusedByTheWrite() {
    MongoProjectionStore winner = open(MongoStoreMode.AUTO, WriteFaults.NONE);
    long winnerToken = winner.claimWriter(key(0));
    AtomicBoolean interleaved = new AtomicBoolean();
    MongoProjectionStore loser = open(MongoStoreMode.AUTO, write -> {
      if (write.startsWith("writing read model") && interleaved.compareAndSet(false, true)) {
        // The loser has checked that nobody keeps "shared" and is about to write it.
        winner.commit(partitionCommit(0, winnerToken, 0, 4,
            List.of(put("orders", order("shared", "BY-ZERO", "c", 1, 4)))));
      }
    });
    long loserToken = loser.claimWriter(key(1));

    Throwable refused = catchThrowable(() -> loser.commit(partitionCommit(1, loserToken, 0, 5, List.of(
        put("orders", order("mine", "BY-ONE", "c", 1, 5)),
        put("orders", order("shared", "BY-ONE", "c", 1, 5))))));

    assertThat(interleaved).isTrue();
    assertThat(refused).isInstanceOf(PartitionConflictException.class);
    PartitionConflictException conflict = (PartitionConflictException) refused;
    assertThat(conflict.documentId()).isEqualTo("shared");
    assertThat(conflict.writtenBy()).isZero();
    assertThat(conflict.refusedPartition()).isEqualTo(1);
    assertThat(winner.find("orders", "shared").orElseThrow().indexValues())
        .containsEntry("status", "BY-ZERO");
    assertThat(winner.loadState(key(1)).orElseThrow().lastProcessedPosition()).isZero();
    if (loser.commitsAtomically()) {
      assertThat(winner.find("orders", "mine")).as("nothing of the refused commit").isEmpty();
    } else {
      // Without transactions the loser's other puts ran in the same unordered bulk write: they are
      // visible ahead of its checkpoint, as after any standalone commit cut short (see the README).
      assertThat(winner.find("orders", "mine")).as("the loser's other put, ahead of its checkpoint")
          .isPresent();
    }
  }

  @Test
  @DisplayName("a deferred delete never removes a document another partition took over after the check")
  void deferredDeleteSparesATakeOver() {
    MongoProjectionStore other = open(MongoStoreMode.STANDALONE, WriteFaults.NONE);
    long unsplit = other.claimWriter("unsplit");
    other.commit(commit("unsplit", unsplit, 0, 1, List.of(put("orders", order("free", "NOBODYS", "c", 1, 1)))));
    long otherToken = other.claimWriter(key(0));
    AtomicBoolean interleaved = new AtomicBoolean();
    MongoProjectionStore deleting = open(MongoStoreMode.STANDALONE, write -> {
      if (write.startsWith("deleting from read model") && interleaved.compareAndSet(false, true)) {
        other.commit(partitionCommit(0, otherToken, 0, 2,
            List.of(put("orders", order("free", "TAKEN-BY-ZERO", "c", 2, 2)))));
      }
    });
    long token = deleting.claimWriter(key(1));

    deleting.commit(partitionCommit(1, token, 0, 9, List.of(delete("orders", "free"))));

    assertThat(interleaved).isTrue();
    StoredDocument kept = other.find("orders", "free").orElseThrow();
    assertThat(kept.indexValues()).containsEntry("status", "TAKEN-BY-ZERO");
    assertThat(kept.position()).as("at or below the deleting commit's checkpoint").isLessThan(9);
  }

  @Test
  @DisplayName("documents stored before the store kept partitions belong to no partition: any partition takes them over, and only an unpartitioned reset deletes them")
  void documentsOfTheEarlierLayoutBelongToNoPartition() {
    MongoProjectionStore store = open(MongoStoreMode.AUTO, WriteFaults.NONE);
    try (MongoClient client = MongoClients.create(server.uri())) {
      MongoCollection<Document> orders = client.getDatabase(server.database())
          .getCollection(prefix + "rm_orders");
      for (String id : List.of("legacy-a", "legacy-b")) {
        orders.insertOne(Document.parse("{_id: '" + id + "', latest: {position: NumberLong(3),"
            + " writer: NumberLong(1), sequence: NumberLong(1), index: {status: 'OLD'},"
            + " doc: {id: '" + id + "', status: 'OLD'}}}"));
      }
    }
    long token0 = store.claimWriter(key(0));
    long token2 = store.claimWriter(key(2));

    store.commit(Commit.reset(token0, 0, stateAt(key(0), 0), Set.of("orders")).inPartition(0));
    assertThat(store.findByIndex("orders", "status", "OLD")).as("after partition 0's reset")
        .extracting(StoredDocument::id).containsExactly("legacy-a", "legacy-b");

    store.commit(partitionCommit(2, token2, 0, 4, List.of(put("orders", order("legacy-a", "NEW", "c", 2, 4)))));
    Throwable refused = catchThrowable(() -> store.commit(partitionCommit(0, token0, 0, 5,
        List.of(delete("orders", "legacy-b"), delete("orders", "legacy-a")))));

    assertThat(refused).isInstanceOfSatisfying(PartitionConflictException.class, conflict -> {
      assertThat(conflict.documentId()).isEqualTo("legacy-a");
      assertThat(conflict.writtenBy()).isEqualTo(2);
    });
    assertThat(store.find("orders", "legacy-b")).as("nothing of the refused commit").isPresent();
    long unsplit = store.claimWriter(PROJECTION);
    store.commit(Commit.reset(unsplit, 0, stateAt(PROJECTION, 0), Set.of("orders")));
    assertThat(store.count("orders")).as("after an unpartitioned reset").isZero();
  }
}
