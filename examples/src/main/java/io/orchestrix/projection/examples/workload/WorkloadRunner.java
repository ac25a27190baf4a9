package io.orchestrix.projection.examples.workload;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.ProjectionEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongConsumer;

/**
 * Runs a projection over events already in memory, from its stored checkpoint, and times it as
 * {@code WORKLOAD.md} says: the clock starts before the first batch and stops when the last batch's
 * read-model changes and checkpoint are committed (each {@link ProjectionEngine#processEvents} returns
 * only after its commit). Generating the events is not timed. Stateless.
 *
 * <p>Two ways to feed the engine: {@link #run} calls {@link ProjectionEngine#processEvents} batch by
 * batch, so each batch's handlers wait for the previous commit; {@link #runPipelined} calls
 * {@link ProjectionEngine#submit}, so the next batch's handlers run while the previous batch commits,
 * and the clock stops when the last batch's commit completes (commits apply in order).
 */
public final class WorkloadRunner {

  private WorkloadRunner() {}

  /**
   * What a run did.
   *
   * @param fromCheckpoint the stored checkpoint the run resumed from (0 for a fresh projection)
   * @param toCheckpoint the checkpoint after the run
   * @param eventsApplied events whose effect this run committed
   * @param nanos the timed part, in nanoseconds
   */
  public record Result(long fromCheckpoint, long toCheckpoint, long eventsApplied, long nanos) {

    /** Events applied per second of the timed part; 0 if nothing was applied. */
    public double eventsPerSecond() {
      return eventsApplied == 0 || nanos == 0 ? 0 : eventsApplied * 1e9 / nanos;
    }

    /** The timed part in seconds. */
    public double seconds() {
      return nanos / 1e9;
    }
  }

  /**
   * Processes every event after the engine's stored checkpoint, {@code batchSize} events per batch.
   *
   * @param events the stream, positions strictly increasing
   * @param afterCommit called with the new checkpoint after each committed batch, outside the clock's
   *     concerns (keep it cheap); for progress reports and crash tests
   * @throws IllegalStateException if the stored checkpoint lies beyond the last event: the store holds
   *     a run of a longer stream, which this one cannot continue
   * @throws io.orchestrix.projection.ProjectionException as {@link ProjectionEngine#processEvents}
   */
  public static Result run(ProjectionEngine engine, List<? extends EventEnvelope<?>> events,
      int batchSize, LongConsumer afterCommit) {
    long from = checkpointWithin(engine, events, batchSize, afterCommit);
    int start = firstAfter(events, from);
    long applied = 0;
    long checkpoint = from;
    long started = System.nanoTime();
    for (int i = start; i < events.size(); i += batchSize) {
      BatchResult result = engine.processEvents(events.subList(i, Math.min(i + batchSize, events.size())));
      applied += result.applied();
      checkpoint = result.checkpoint();
      afterCommit.accept(checkpoint);
    }
    long nanos = System.nanoTime() - started;
    return new Result(from, checkpoint, applied, nanos);
  }

  /**
   * As {@link #run}, through {@link ProjectionEngine#submit}: the handlers of a batch run while the
   * batch before it commits. {@code afterCommit} is called on the engine's committing thread.
   *
   * @throws io.orchestrix.projection.ProjectionException what the first failing batch failed with
   */
  public static Result runPipelined(ProjectionEngine engine,
      List<? extends EventEnvelope<?>> events, int batchSize, LongConsumer afterCommit) {
    long from = checkpointWithin(engine, events, batchSize, afterCommit);
    int start = firstAfter(events, from);
    List<CompletableFuture<BatchResult>> commits = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = start; i < events.size(); i += batchSize) {
      commits.add(engine.processEventsPipelined(events.subList(i, Math.min(i + batchSize, events.size())))
          .thenApply(result -> {
            afterCommit.accept(result.checkpoint());
            return result;
          })
          .toCompletableFuture());
    }
    long applied = 0;
    long checkpoint = from;
    try {
      for (CompletableFuture<BatchResult> commit : commits) {
        BatchResult result = commit.join();
        applied += result.applied();
        checkpoint = result.checkpoint();
      }
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
    long nanos = System.nanoTime() - started;
    return new Result(from, checkpoint, applied, nanos);
  }

  private static long checkpointWithin(ProjectionEngine engine,
      List<? extends EventEnvelope<?>> events, int batchSize, LongConsumer afterCommit) {
    Objects.requireNonNull(engine, "engine");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(afterCommit, "afterCommit");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1 but was " + batchSize);
    }
    long from = engine.state().lastProcessedPosition();
    long last = events.isEmpty() ? 0 : events.get(events.size() - 1).position();
    if (from > last) {
      throw new IllegalStateException("projection '" + engine.projectionId()
          + "' has its stored checkpoint at " + from + ", beyond this stream's last position " + last
          + ": the store holds a run of a longer stream; reset it or use that run's event count");
    }
    return from;
  }

  private static int firstAfter(List<? extends EventEnvelope<?>> events, long checkpoint) {
    int start = 0;
    while (start < events.size() && events.get(start).position() <= checkpoint) {
      start++;
    }
    return start;
  }
}
