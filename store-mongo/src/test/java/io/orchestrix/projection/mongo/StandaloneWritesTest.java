package io.orchestrix.projection.mongo;

import static io.orchestrix.projection.tck.StoreFixtures.T0;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.deadLetter;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.mongo.internal.WriteFaults;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.tck.StoreFixtures;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The standalone mode's own guarantees: writes never go backwards, deletes wait for the checkpoint. */
class StandaloneWritesTest {

  private static final String PROJECTION = "p";
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
  }

  private MongoProjectionStore open(WriteFaults faults) {
    MongoProjectionStore store = MongoProjectionStore.open(server.uri(),
        TestMongo.options(prefix).mode(MongoStoreMode.STANDALONE).build(), faults);
    store.prepareReadModel(ORDERS);
    opened.add(store);
    return store;
  }

  @Test
  @DisplayName("a put from an older event never replaces a document written by a later one")
  void writesNeverGoBackwards() {
    MongoProjectionStore store = open(WriteFaults.NONE);
    long token = store.claimWriter(PROJECTION);
    store.commit(commit(PROJECTION, token, 0, 10, List.of(put("orders", order("o-1", "NEW", "c", 10, 10)))));
    store.commit(commit(PROJECTION, token, 10, 11, List.of(
        put("orders", order("o-1", "OLD", "c", 5, 5)), put("orders", order("o-2", "FRESH", "c", 1, 11)))));

    StoredDocument kept = store.find("orders", "o-1").orElseThrow();
    assertThat(kept.indexValues()).containsEntry("status", "NEW");
    assertThat(kept.position()).isEqualTo(10);
    assertThat(store.findByIndex("orders", "status", "OLD")).isEmpty();
    assertThat(store.find("orders", "o-2").orElseThrow().position()).isEqualTo(11);
  }

  @Test
  @DisplayName("at the same position a later commit wins, whatever the documents' contents (dead-letter retries write at the checkpoint)")
  void samePositionLaterCommitWins() {
    MongoProjectionStore store = open(WriteFaults.NONE);
    long token = store.claimWriter(PROJECTION);
    store.commit(commit(PROJECTION, token, 0, 10, List.of(put("orders", order("o-1", "ZZZ", "z", 999, 10)))));
    store.commit(commit(PROJECTION, token, 10, 10, List.of(put("orders", order("o-1", "AAA", "a", 1, 10)))));

    assertThat(store.find("orders", "o-1").orElseThrow().indexValues()).containsEntry("status", "AAA");
  }

  @Test
  @DisplayName("a fenced writer that passed its check before a new claim cannot regress the new owner's documents")
  void zombieWriterCannotRegress() {
    MongoProjectionStore newOwner = open(WriteFaults.NONE);
    AtomicBoolean interleaved = new AtomicBoolean();
    MongoProjectionStore zombie = open(write -> {
      if (write.startsWith("writing read model") && interleaved.compareAndSet(false, true)) {
        // The zombie has checked the state and is about to write: the new owner claims and commits.
        long newToken = newOwner.claimWriter(PROJECTION);
        newOwner.commit(commit(PROJECTION, newToken, 0, 20,
            List.of(put("orders", order("o-1", "BY-NEW-OWNER", "c", 20, 20)))));
      }
    });
    long zombieToken = zombie.claimWriter(PROJECTION);

    assertThatThrownBy(() -> zombie.commit(commit(PROJECTION, zombieToken, 0, 15,
        List.of(put("orders", order("o-1", "BY-ZOMBIE", "c", 15, 15))))))
        .isInstanceOf(WriterFencedException.class);

    assertThat(interleaved).isTrue();
    assertThat(newOwner.find("orders", "o-1").orElseThrow().indexValues())
        .containsEntry("status", "BY-NEW-OWNER");
    assertThat(newOwner.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(20);
  }

  @Test
  @DisplayName("deletes run after the checkpoint moved; if they fail, the commit says so and the next claim completes them")
  void deletesWaitForTheCheckpoint() {
    MongoProjectionStore store = open(WriteFaults.NONE);
    long token = store.claimWriter(PROJECTION);
    store.commit(commit(PROJECTION, token, 0, 1, List.of(
        put("orders", order("o-1", "PLACED", "c", 1, 1)), put("orders", order("o-2", "PLACED", "c", 1, 1)))));
    MongoProjectionStore crashing = open(write -> {
      if (write.startsWith("deleting")) {
        throw StoreException.outage("injected crash before " + write, null, null);
      }
    });

    assertThatThrownBy(() -> crashing.commit(commit(PROJECTION, token, 1, 2, List.of(delete("orders", "o-1")))))
        .isInstanceOf(StoreException.class).hasMessageContaining("committed up to position 2")
        .satisfies(failure -> assertThat(((StoreException) failure).isTransient()).isTrue());

    assertThat(store.loadState(PROJECTION).orElseThrow().lastProcessedPosition())
        .as("the commit is durable once its checkpoint moved").isEqualTo(2);
    assertThat(store.find("orders", "o-1")).as("visible behind the checkpoint until completed").isPresent();
    store.claimWriter(PROJECTION);
    assertThat(store.find("orders", "o-1")).as("completed by the next claim").isEmpty();
    assertThat(store.find("orders", "o-2")).isPresent();
  }

  @Test
  @DisplayName("a slow writer's late deletes spare a document that a newer commit put again")
  void lateDeleteSparesARecreatedDocument() {
    MongoProjectionStore store = open(WriteFaults.NONE);
    long token = store.claimWriter(PROJECTION);
    store.commit(commit(PROJECTION, token, 0, 1, List.of(put("orders", order("o-1", "PLACED", "c", 1, 1)))));
    AtomicBoolean interleaved = new AtomicBoolean();
    MongoProjectionStore slow = open(write -> {
      if (write.startsWith("deleting") && interleaved.compareAndSet(false, true)) {
        // The checkpoint has moved to 2 with the delete recorded; before the slow writer deletes,
        // another commit completes the recorded delete and puts o-1 again from event 3.
        store.commit(commit(PROJECTION, token, 2, 3, List.of(put("orders", order("o-1", "AGAIN", "c", 3, 3)))));
      }
    });

    slow.commit(commit(PROJECTION, token, 1, 2, List.of(delete("orders", "o-1"))));

    assertThat(interleaved).isTrue();
    assertThat(store.find("orders", "o-1").orElseThrow().indexValues()).containsEntry("status", "AGAIN");
    assertThat(store.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isEqualTo(3);
  }

  @Test
  @DisplayName("a reset commit cut short after any write and committed again by a new claim gives the reset's result")
  void resetCutShortThenCommittedAgain() {
    int injected = 0;
    for (int writes = 0; ; writes++) {
      assertThat(writes).as("the reset should get through within 20 writes").isLessThan(20);
      prefix = TestMongo.freshPrefix();
      MongoProjectionStore store = open(WriteFaults.NONE);
      store.prepareReadModel(new ReadModelSchema("notes", List.of()));
      long token = store.claimWriter(PROJECTION);
      store.commit(Commit.batch(token, 0, stateAt(PROJECTION, 9), StoreFixtures.grouped(List.of(
          put("orders", order("o-1", "PLACED", "c", 1, 5)), put("orders", order("o-2", "PLACED", "c", 2, 9)),
          put("notes", doc("n-1", "{}", Map.of(), 9)))), List.of(deadLetter(PROJECTION, 3))));
      int cut = writes;
      MongoProjectionStore failing = open(failAfter(cut));
      failing.prepareReadModel(new ReadModelSchema("notes", List.of()));
      long resetToken = store.claimWriter(PROJECTION);
      Throwable failure = catchThrowable(() -> failing.commit(reset(resetToken)));
      if (failure == null) {
        break;
      }
      injected++;
      assertThat(failure).as("failure after %d writes", cut).isInstanceOf(StoreException.class);
      long again = store.claimWriter(PROJECTION);
      if (store.loadState(PROJECTION).orElseThrow().lastProcessedPosition() == 9) {
        store.commit(reset(again));
      }

      assertThat(store.loadState(PROJECTION)).as("after a failure after %d writes", cut)
          .contains(ProjectionState.initial(PROJECTION, T0));
      assertThat(store.count("orders")).isZero();
      assertThat(store.count("notes")).isZero();
      assertThat(store.deadLetters(PROJECTION)).isEmpty();
    }
    assertThat(injected).isPositive();
  }

  private static Commit reset(long token) {
    return Commit.reset(token, 9, ProjectionState.initial(PROJECTION, T0), Set.of("orders", "notes"));
  }

  private static WriteFaults failAfter(int writes) {
    AtomicInteger sent = new AtomicInteger();
    return write -> {
      if (sent.getAndIncrement() >= writes) {
        throw StoreException.outage("injected failure before " + write, null, null);
      }
    };
  }
}
