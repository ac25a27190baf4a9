package io.orchestrix.projection.kafka;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Applies batches on threads of its own, so that the polling thread keeps polling (and keeps its
 * group membership) however long a batch takes. One batch at a time; each partition's share of it
 * goes to that partition's engine and commits there with its checkpoint, the shares of up to
 * {@code workers} partitions at once (partitions are independent writers, each with its own fencing
 * token, so their commits may overlap). Thread-safe.
 */
final class BatchWorker implements AutoCloseable {

  /** Records of one partition, taken while it was owned in the given epoch. */
  record Share(TopicPartition partition, int enginePartition, long epoch,
      List<ConsumerRecord<byte[], byte[]>> records) {}

  /** What became of a share. */
  sealed interface Outcome {
    Share share();
  }

  /** Committed: the partition's checkpoint is now {@code nextOffset}. */
  record Applied(Share share, long nextOffset, @Nullable Instant lastEventTime) implements Outcome {}

  /** Not committed, or only a prefix: the failure, and the checkpoint the engine knows now. */
  record Failed(Share share, RuntimeException failure, long nextOffset) implements Outcome {}

  private final ProjectionEngine engine;
  private final RecordDecoder decoder;
  private final ExecutorService executor;

  BatchWorker(ProjectionEngine engine, RecordDecoder decoder, int workers) {
    this.engine = engine;
    this.decoder = decoder;
    AtomicInteger threads = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(Math.max(1, Math.min(workers, engine.partitions())),
        runnable -> {
          Thread thread = new Thread(runnable,
              "kafka-source-worker-" + engine.projectionId() + "-" + threads.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Applies every share, several partitions at once; completes once all of them are done. */
  Future<List<Outcome>> submit(List<Share> shares) {
    List<CompletableFuture<Outcome>> each = new ArrayList<>(shares.size());
    for (Share share : shares) {
      each.add(CompletableFuture.supplyAsync(() -> apply(share), executor));
    }
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(done -> each.stream().map(CompletableFuture::join).toList());
  }

  private Outcome apply(Share share) {
    ProjectionEngine partition = engine.partition(share.enginePartition());
    List<EventEnvelope<?>> events = new ArrayList<>(share.records().size());
    for (ConsumerRecord<byte[], byte[]> record : share.records()) {
      events.add(decoder.decode(record));
    }
    try {
      BatchResult result = partition.processEvents(events);
      return new Applied(share, result.checkpoint(), events.get(events.size() - 1).occurredAt());
    } catch (ProjectionException e) {
      return new Failed(share, e, known(partition));
    } catch (RuntimeException e) {
      return new Failed(share, e, known(partition));
    }
  }

  private static long known(ProjectionEngine partition) {
    try {
      return partition.state().lastProcessedPosition();
    } catch (RuntimeException storeOut) {
      return -1;
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
