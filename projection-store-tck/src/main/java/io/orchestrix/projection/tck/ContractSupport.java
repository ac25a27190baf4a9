package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.put;

import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What several contracts do alike: seeding documents, running tasks at once, listing ids. Stateless. */
final class ContractSupport {

  private ContractSupport() {}

  /** Commits puts of documents into a read model, claiming a writer and moving the checkpoint by one. */
  static void seed(ProjectionStore target, String readModel, List<StoredDocument> documents) {
    long token = target.claimWriter(PROJECTION);
    long from = target.loadState(PROJECTION).orElseThrow().lastProcessedPosition();
    target.commit(commit(PROJECTION, token, from, from + 1,
        documents.stream().map(d -> put(readModel, d)).collect(Collectors.toList())));
  }

  /** The ids of documents, in their order. */
  static List<String> ids(List<StoredDocument> documents) {
    return documents.stream().map(StoredDocument::id).collect(Collectors.toList());
  }

  /** Every document of a read model, read by paging with the given page size, in the store's order. */
  static List<String> pagedIds(ProjectionStore store, String readModel, int pageSize) {
    List<String> visited = new ArrayList<>();
    String after = null;
    while (true) {
      List<StoredDocument> page = store.page(readModel, after, pageSize);
      page.forEach(d -> visited.add(d.id()));
      if (page.size() < pageSize) {
        return visited;
      }
      after = page.get(page.size() - 1).id();
    }
  }

  /**
   * Runs a task on several threads released at once and returns their results; a task's own
   * exception fails the caller as itself, not wrapped.
   */
  static <T> List<T> runConcurrently(int threads, Callable<T> task) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(executor.submit(() -> {
          start.await(30, TimeUnit.SECONDS);
          return task.call();
        }));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        try {
          results.add(future.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          // an aborted or failed task fails the test for its own reason, not as "ExecutionException"
          if (e.getCause() instanceof RuntimeException runtime) {
            throw runtime;
          }
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw e;
        }
      }
      return results;
    } finally {
      executor.shutdownNow();
    }
  }
}
