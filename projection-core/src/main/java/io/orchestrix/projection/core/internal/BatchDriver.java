package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.ProcessingInterruptedException;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.core.internal.WriterSession.Submission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Carries batches through a writer session for callers that wait for them (the engine's public
 * methods): it waits out the failure policy's retries on the caller's thread and turns outcomes into
 * results or the exceptions the public API promises. A runner drives the session itself instead, so
 * that a retry's wait never blocks its control. Thread-safe; holds no state.
 */
final class BatchDriver {

  private static final BatchResult NOTHING = new BatchResult(0, 0, 0, 0);

  private final WriterSession session;
  private final SessionOperations operations;
  private final int batchSize;

  BatchDriver(WriterSession session, SessionOperations operations, int batchSize) {
    this.session = session;
    this.operations = operations;
    this.batchSize = batchSize;
  }

  /** Processes a checked batch, committing on the caller's thread, retrying as the policy says. */
  BatchResult process(List<? extends EventEnvelope<?>> events) {
    keepPace(events.size());
    return finish(session.process(events), events, NOTHING);
  }

  /** Processes a checked batch with its commit queued; see {@code processEventsPipelined}. */
  CompletionStage<BatchResult> processPipelined(List<? extends EventEnvelope<?>> events) {
    keepPace(events.size());
    Submission submission = session.submit(events);
    if (submission.prepared() instanceof BatchOutcome.Failed failed) {
      throw failed.failure();
    }
    if (submission.prepared() instanceof BatchOutcome.Completed) {
      return submission.committed().thenApply(outcome -> {
        if (outcome instanceof BatchOutcome.Failed failed) {
          throw new CompletionException(failed.failure());
        }
        return outcome.committed();
      });
    }
    // a handler failed: its prefix commits first, then the policy's retry or stop is carried out here
    try {
      return CompletableFuture.completedFuture(
          finish(submission.committed().join(), events, NOTHING));
    } catch (ProjectionException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Follows a batch's outcome to its end: retries after the policy's delay, or raises its failure. */
  private BatchResult finish(BatchOutcome first, List<? extends EventEnvelope<?>> events,
      BatchResult before) {
    BatchOutcome outcome = first;
    List<? extends EventEnvelope<?>> remaining = events;
    BatchResult total = before;
    while (true) {
      total = total.plus(outcome.committed());
      if (outcome instanceof BatchOutcome.Completed) {
        return total;
      }
      if (outcome instanceof BatchOutcome.Stopped stopped) {
        throw stopped.failure();
      }
      if (outcome instanceof BatchOutcome.Failed failed) {
        throw failed.failure();
      }
      BatchOutcome.RetryLater retry = (BatchOutcome.RetryLater) outcome;
      await(retry.delay(), retry.failure());
      remaining = from(remaining, retry.failure().position());
      outcome = session.process(remaining);
    }
  }

  /**
   * Resets the projection and processes the events in pipelined batches, holding the session's lock
   * throughout so that nothing else interleaves.
   */
  BatchResult replay(Iterable<? extends EventEnvelope<?>> events, EventOrder order) {
    session.lock().lock();
    try {
      operations.resetLocked();
      List<CompletionStage<BatchResult>> stages = new ArrayList<>();
      List<EventEnvelope<?>> chunk = new ArrayList<>(batchSize);
      Iterator<? extends EventEnvelope<?>> iterator = events.iterator();
      while (iterator.hasNext()) {
        EventEnvelope<?> event = iterator.next();
        order.checkNext(event);
        chunk.add(event);
        if (chunk.size() == batchSize) {
          stages.add(submitForReplay(chunk, stages));
          chunk = new ArrayList<>(batchSize);
        }
      }
      if (!chunk.isEmpty()) {
        stages.add(submitForReplay(chunk, stages));
      }
      BatchResult total = NOTHING;
      for (CompletionStage<BatchResult> stage : stages) {
        total = total.plus(join(stage));
      }
      long checkpoint = session.knownState() == null ? total.checkpoint()
          : session.knownState().lastProcessedPosition();
      return new BatchResult(total.applied(), total.skipped(), total.deadLettered(), checkpoint);
    } finally {
      session.lock().unlock();
    }
  }

  /**
   * Submits a chunk of a replay. A chunk refused at once (the projection stopped at a failed event,
   * a failed commit) is the consequence of an earlier chunk's failure, which is what replay reports.
   */
  private CompletionStage<BatchResult> submitForReplay(
      List<EventEnvelope<?>> chunk, List<CompletionStage<BatchResult>> earlier) {
    try {
      return processPipelined(chunk);
    } catch (ProjectionException consequence) {
      earlier.forEach(BatchDriver::join);
      throw consequence;
    }
  }

  /** The result of a queued batch, raising its failure as processEvents would. */
  private static BatchResult join(CompletionStage<BatchResult> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static List<? extends EventEnvelope<?>> from(
      List<? extends EventEnvelope<?>> events, long position) {
    int index = 0;
    while (index < events.size() && events.get(index).position() < position) {
      index++;
    }
    return events.subList(index, events.size());
  }

  private static void await(Duration delay, HandlerFailedException failure) {
    try {
      Thread.sleep(delay.toMillis(), delay.toNanosPart() % 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcessingInterruptedException(failure.projectionId().orElse(""),
          failure.eventId().orElse(""), failure.position(), e);
    }
  }

  /**
   * Waits as a generation's build under a rate limit must before a batch; an interrupt ends the wait
   * early and is kept for the caller.
   */
  private void keepPace(int events) {
    Duration pause = session.buildPause(events);
    if (!pause.isZero()) {
      try {
        Thread.sleep(pause.toMillis(), pause.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
