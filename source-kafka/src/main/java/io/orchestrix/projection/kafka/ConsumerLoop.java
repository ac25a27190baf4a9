package io.orchestrix.projection.kafka;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.kafka.KafkaSourceStatus.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The polling thread of a Kafka source: it alone touches the consumer. It finds the topics, subscribes,
 * claims each assigned partition's writer and seeks to its stored checkpoint (keeping where each
 * assigned partition stands in its {@link PartitionClaims}), buffers polled records,
 * hands batches to the {@link BatchWorker}, pauses partitions while their buffer is full or their store
 * is out (and keeps polling, so the group never expels it), and acts on each batch's outcome.
 */
final class ConsumerLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration BUSY_POLL = Duration.ofMillis(20);
  private static final Duration IDLE_POLL = Duration.ofMillis(200);
  private static final long END_OFFSETS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final KafkaSourceConfig config;
  private final ProjectionEngine engine;
  private final Consumer<byte[], byte[]> consumer;
  private final PartitionTracker tracker;
  private final BatchWorker worker;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Buffers buffers = new Buffers();
  private final PartitionClaims claims;
  private @Nullable PartitionIndex index;
  private @Nullable Future<List<BatchWorker.Outcome>> inFlight;
  private long endOffsetsAt;
  private int unavailableAttempts;

  public ConsumerLoop(KafkaSourceConfig config, Consumer<byte[], byte[]> consumer,
      PartitionTracker tracker) {
    this.config = config;
    this.engine = config.engine();
    this.consumer = consumer;
    this.tracker = tracker;
    this.worker = new BatchWorker(engine, new RecordDecoder(config.decoder(), config.mapping()),
        config.workers());
    this.claims = new PartitionClaims(config, consumer, tracker, buffers, this::index);
  }

  /** Asks the loop to end; safe from any thread. */
  public void stop() {
    stopping.countDown();
    consumer.wakeup();
  }

  private boolean running() {
    return stopping.getCount() > 0;
  }

  @Override
  public void run() {
    try {
      if (subscribe()) {
        while (running()) {
          stepThroughOutages();
        }
      }
    } catch (WakeupException stopRequested) {
      // stop() woke a blocking call
    } catch (RuntimeException e) {
      LOG.error("Kafka source of projection '{}' failed and stopped", config.projectionId(), e);
      tracker.state(State.FAILED, e instanceof ProjectionException p ? p
          : new KafkaUnavailableException(config.projectionId(), config.bootstrapServers(),
              "following its topics", e));
      return;
    } finally {
      close();
    }
    if (tracker.state() != State.FAILED) {
      tracker.state(State.STOPPED, null);
    }
  }

  // ---- start: find the topics, check the partition count, subscribe

  private boolean subscribe() {
    PartitionIndex found = new TopicLookup(config, consumer, tracker).find(this::running, this::await);
    return found != null && subscribe(found);
  }

  private boolean subscribe(PartitionIndex found) {
    if (found.size() != engine.partitions()) {
      tracker.state(State.FAILED, new KafkaPartitionCountException(config.projectionId(),
          engine.partitions(), found.counts()));
      return false;
    }
    index = found;
    tracker.partitions(found);
    consumer.subscribe(config.topics(), new Rebalancing());
    tracker.state(State.RUNNING, null);
    return true;
  }

  // ---- the loop

  /**
   * One step; a retriable client failure (the cluster or a broker gone: disconnected, timed out, no
   * leader) shows as {@code UNAVAILABLE} and the next step comes after the outage backoff. The
   * consumer keeps its assignment and positions, and the records it buffered stay buffered.
   */
  private void stepThroughOutages() {
    try {
      step();
    } catch (RetriableException e) {
      unavailableAttempts++;
      tracker.state(State.UNAVAILABLE, new KafkaUnavailableException(config.projectionId(),
          config.bootstrapServers(), "following its topics", e));
      await(config.outageBackoff().delay(unavailableAttempts));
    }
  }

  private void step() {
    ConsumerRecords<byte[], byte[]> records;
    try {
      records = consumer.poll(pollTimeout());
    } catch (OffsetOutOfRangeException e) {
      e.offsetOutOfRangePartitions().forEach((partition, offset) -> claims.stop(partition,
          new KafkaOffsetOutOfRangeException(config.projectionId(), partition.topic(),
              partition.partition(), offset)));
      return;
    } catch (NoOffsetForPartitionException e) {
      e.partitions().forEach(claims::claimSoon);
      return;
    }
    long now = System.nanoTime();
    for (TopicPartition partition : records.partitions()) {
      if (claims.isActive(partition)) {
        buffers.add(partition, records.records(partition), now);
      }
    }
    collect(false);
    claims.claimDue(now);
    dispatch(now);
    backpressure();
    refreshEndOffsets(now);
  }

  private Duration pollTimeout() {
    if (inFlight != null) {
      return BUSY_POLL;
    }
    if (buffers.isEmpty()) {
      return claims.hasPending() ? BUSY_POLL : IDLE_POLL;
    }
    long waited = System.nanoTime() - buffers.oldestNanos();
    return Duration.ofNanos(Math.max(0, Math.min(config.maxLatency().toNanos() - waited,
        IDLE_POLL.toNanos())));
  }

  /** Hands a batch to the worker when it is idle and some partition has a full batch or waited long enough. */
  private void dispatch(long now) {
    if (inFlight != null || buffers.isEmpty()) {
      return;
    }
    boolean full = buffers.partitions().stream().anyMatch(p -> buffers.size(p) >= config.batchSize());
    if (!full && now - buffers.oldestNanos() < config.maxLatency().toNanos()) {
      return;
    }
    List<BatchWorker.Share> shares = new ArrayList<>();
    for (TopicPartition partition : buffers.partitions()) {
      shares.add(new BatchWorker.Share(partition, index().of(partition), claims.epoch(partition),
          buffers.take(partition, config.batchSize(), now)));
    }
    inFlight = worker.submit(shares);
  }

  /** Acts on the in-flight batch's outcome if it is done, or waits for it up to the revoke timeout. */
  private void collect(boolean wait) {
    Future<List<BatchWorker.Outcome>> batch = inFlight;
    if (batch == null || (!wait && !batch.isDone())) {
      return;
    }
    List<BatchWorker.Outcome> outcomes;
    try {
      outcomes = wait ? batch.get(config.revokeTimeout().toNanos(), TimeUnit.NANOSECONDS) : batch.get();
    } catch (java.util.concurrent.TimeoutException stillRunning) {
      LOG.info("projection '{}': a batch still runs after {}; its partitions are given up, and its"
          + " commit will be refused if another owner claimed them", config.projectionId(),
          config.revokeTimeout());
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException e) {
      throw new IllegalStateException("the batch worker failed: " + e.getCause(), e.getCause());
    }
    inFlight = null;
    outcomes.forEach(this::handle);
  }

  private void handle(BatchWorker.Outcome outcome) {
    TopicPartition partition = outcome.share().partition();
    boolean current = claims.isCurrent(partition, outcome.share().epoch());
    if (outcome instanceof BatchWorker.Applied applied) {
      tracker.checkpoint(partition, applied.nextOffset(), applied.lastEventTime());
      return;
    }
    BatchWorker.Failed failed = (BatchWorker.Failed) outcome;
    if (failed.nextOffset() >= 0) {
      tracker.checkpoint(partition, failed.nextOffset(), null);
    }
    if (!current) {
      return;
    }
    RuntimeException failure = failed.failure();
    FailureKind kind = failure instanceof ProjectionException p ? p.kind() : FailureKind.FATAL;
    if (kind == FailureKind.CONFLICT) {
      LOG.info("projection '{}': {} was claimed by another owner; its batch is dropped and the"
          + " partition claimed again if the group still gives it here", config.projectionId(), partition);
      claims.reclaimLater(partition, 1);
    } else if (kind == FailureKind.TRANSIENT) {
      LOG.warn("projection '{}': the batch of {} was not committed; retrying from the stored"
          + " checkpoint: {}", config.projectionId(), partition, failure.getMessage());
      tracker.state(State.RUNNING, failure instanceof ProjectionException p ? p : null);
      claims.reclaimLater(partition, 1);
    } else {
      claims.stop(partition, failure);
    }
  }

  /** Paused: partitions not active, and those with a full batch buffered; the others resumed. */
  private void backpressure() {
    Set<TopicPartition> pause = new HashSet<>();
    Set<TopicPartition> resume = new HashSet<>();
    Set<TopicPartition> paused = consumer.paused();
    for (TopicPartition partition : consumer.assignment()) {
      boolean hold = !claims.isActive(partition) || buffers.size(partition) >= config.batchSize();
      if (hold && !paused.contains(partition)) {
        pause.add(partition);
      } else if (!hold && paused.contains(partition)) {
        resume.add(partition);
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  /** The log-end offsets of the assigned partitions, once a second: lag, and whether the cluster answers. */
  private void refreshEndOffsets(long now) {
    if (now - endOffsetsAt < END_OFFSETS_EVERY_NANOS) {
      return;
    }
    endOffsetsAt = now;
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return;
    }
    try {
      consumer.endOffsets(assigned, TopicLookup.LOOKUP_TIMEOUT).forEach(tracker::endOffset);
      if (unavailableAttempts > 0 || tracker.state() == State.UNAVAILABLE) {
        unavailableAttempts = 0;
        tracker.state(State.RUNNING, null);
      }
    } catch (RetriableException e) {
      unavailableAttempts++;
      tracker.state(State.UNAVAILABLE, new KafkaUnavailableException(config.projectionId(),
          config.bootstrapServers(), "reading the end offsets of " + assigned, e));
    }
  }

  private PartitionIndex index() {
    PartitionIndex known = index;
    if (known == null) {
      throw new IllegalStateException("the topics are not known yet");
    }
    return known;
  }

  private void await(Duration delay) {
    try {
      stopping.await(delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping.countDown();
    }
  }

  private void close() {
    try {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    } catch (RuntimeException e) {
      LOG.warn("projection '{}': closing the consumer failed: {}", config.projectionId(), e.toString());
    } finally {
      collectQuietly();
      worker.close();
    }
  }

  private void collectQuietly() {
    try {
      collect(true);
    } catch (RuntimeException e) {
      LOG.warn("projection '{}': the last batch failed: {}", config.projectionId(), e.toString());
    }
  }

  /** The group's decisions, run on this thread inside {@code poll}. */
  private final class Rebalancing implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      partitions.forEach(claims::assigned);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (inFlight != null) {
        collect(true);
      }
      partitions.forEach(claims::released);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      LOG.info("projection '{}': partitions {} were lost (this member was expelled); their in-flight"
          + " batch will be refused by the store if another owner claimed them", config.projectionId(),
          partitions);
      partitions.forEach(claims::released);
    }
  }
}
