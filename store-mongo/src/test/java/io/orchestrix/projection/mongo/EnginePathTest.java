package io.orchestrix.projection.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.spi.support.ForwardingProjectionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * On the engine's path a document's JSON is parsed once: the engine checks each document as a handler
 * saves it (the check is the conversion to BSON, which the store keeps), then commits the same
 * object, whose kept conversion the commit takes instead of parsing the JSON again.
 */
class EnginePathTest {

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
  @DisplayName("every commit of the engine takes the conversions its checks kept, one per document put (those of documents deleted after a save are dropped), and leaves none behind")
  void commitsTakeTheChecksConversions() {
    List<EventEnvelope<?>> events = OrderWorkload.workload();
    try (MongoProjectionStore mongo = MongoProjectionStore.open(server.uri(),
        TestMongo.options(TestMongo.freshPrefix()).build())) {
      ObservedStore observed = new ObservedStore(mongo);
      ProjectionEngine engine = OrderWorkload.engine(observed);
      for (int from = 0; from < events.size(); from += 10) {
        engine.processEvents(events.subList(from, Math.min(events.size(), from + 10)));
      }

      assertThat(observed.commits).as("commits observed").isNotEmpty();
      assertThat(observed.commits).allSatisfy(commit -> {
        assertThat(commit.keptBefore()).as("conversions kept when the commit began, one per put at least")
            .isGreaterThanOrEqualTo(commit.puts());
        assertThat(commit.keptAfter()).as("conversions kept after it").isZero();
      });
      assertThat(observed.checks.get()).as("documents checked").isGreaterThanOrEqualTo(
          observed.commits.stream().mapToInt(ObservedCommit::puts).sum());
    }
  }

  private record ObservedCommit(int puts, int keptBefore, int keptAfter) {}

  /** The MongoDB store as the engine sees it, noting its kept conversions around each commit. */
  private static final class ObservedStore extends ForwardingProjectionStore {
    private final MongoProjectionStore store;
    private final List<ObservedCommit> commits = new ArrayList<>();
    private final AtomicInteger checks = new AtomicInteger();

    ObservedStore(MongoProjectionStore store) {
      super(store);
      this.store = store;
    }

    @Override
    public void commit(Commit commit) {
      int puts = commit.changes().stream().mapToInt(changes -> changes.puts().size()).sum();
      int before = store.keptEncodings();
      store.commit(commit);
      commits.add(new ObservedCommit(puts, before, store.keptEncodings()));
    }

    @Override
    public void checkDocument(String readModel, StoredDocument document) {
      checks.incrementAndGet();
      store.checkDocument(readModel, document);
    }
  }
}
