package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.tck.StoreFixtures;
import io.orchestrix.projection.spi.StoredDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server out of memory ({@code maxmemory} with {@code noeviction}, on a redis-server of the test's
 * own) refuses a commit whole: every earlier commit is complete, the refused one left nothing, and
 * the error is transient.
 */
class MemoryLimitTest {

  @TempDir
  Path directory;

  @Test
  void aServerOutOfMemoryRefusesACommitWholeAndTransiently() throws Exception {
    try (PrivateRedisServer server = PrivateRedisServer.start(directory, "--port",
        "--maxmemory", "4mb", "--maxmemory-policy", "noeviction");
        RedisProjectionStore store = RedisProjectionStore.open(
            "redis://127.0.0.1:" + server.port, Map.of())) {
      store.prepareReadModel(RedisProjectionStoreTest.ORDERS);
      long token = store.claimWriter("p1");
      String padding = "x".repeat(4_000);
      StoreException refused = null;
      long committed = 0;
      for (int batch = 0; batch < 100 && refused == null; batch++) {
        List<StoreFixtures.Change> changes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          String id = "b" + batch + "-" + i;
          changes.add(StoreFixtures.put("orders", new StoredDocument(id,
              "{\"pad\":\"" + padding + "\"}", Map.of("status", "S" + batch, "customer", id),
              batch + 1)));
        }
        try {
          store.commit(StoreFixtures.batch(token, batch, at("p1", batch + 1), changes));
          committed = batch + 1;
        } catch (StoreException e) {
          refused = e;
        }
      }

      assertThat(refused).as("a commit refused for lack of memory").isNotNull();
      assertThat(refused.isTransient()).as(refused.getMessage()).isTrue();
      assertThat(refused.getMessage()).contains("OOM");
      assertThat(store.loadState("p1").orElseThrow().lastProcessedPosition()).isEqualTo(committed);
      assertThat(store.count("orders")).isEqualTo(committed * 50);
      assertThat(store.findByIndex("orders", "status", "S" + committed))
          .as("documents of the refused commit").isEmpty();
      String refusedIds = "b" + committed + "-";
      assertThat(store.page("orders", refusedIds, 1)).extracting(StoredDocument::id)
          .noneMatch(id -> id.startsWith(refusedIds));
    }
  }
}
