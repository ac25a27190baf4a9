package io.orchestrix.projection.core.internal;

import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * How many tasks a user's executor runs at once, where the executor says: a processing loop holds its
 * thread until the runner stops, so a task the executor queues behind busy threads would never run.
 * Stateless and thread-safe.
 */
public final class ExecutorCapacity {

  private ExecutorCapacity() {}

  /**
   * The tasks the executor runs at once, if it tells: a {@link ThreadPoolExecutor} its maximum pool
   * size if its queue holds nothing (a hand-off), else its core pool size (it queues the rest); a
   * {@link ForkJoinPool} its parallelism. Empty for any other executor.
   */
  public static OptionalInt of(Executor executor) {
    if (executor instanceof ThreadPoolExecutor pool) {
      return OptionalInt.of(pool.getQueue().remainingCapacity() == 0 ? pool.getMaximumPoolSize()
          : pool.getCorePoolSize());
    }
    if (executor instanceof ForkJoinPool pool) {
      return OptionalInt.of(pool.getParallelism());
    }
    return OptionalInt.empty();
  }

  /**
   * Checks that the executor can run the loops at once.
   *
   * @param loops the processing loops the runner may run at once
   * @throws IllegalArgumentException naming the executor and both numbers, if it cannot
   */
  public static void require(Executor executor, int loops) {
    OptionalInt capacity = of(executor);
    if (capacity.isPresent() && capacity.getAsInt() < loops) {
      throw new IllegalArgumentException("executor: " + executor + " runs at most "
          + capacity.getAsInt() + " tasks at once (more wait in its queue), but the runner's"
          + " projections have " + loops + " partitions, each processed by a task that runs until"
          + " the runner stops or the partition passes to another node; give it at least " + loops
          + " threads");
    }
  }
}
