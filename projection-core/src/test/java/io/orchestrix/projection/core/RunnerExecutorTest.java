package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.accountHandlers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A runner given an executor processes each projection and each partition it owns as a task of that
 * executor, refuses a pool too small to run them all at once, reports a rejected task with a typed
 * error naming the executor, and never shuts the executor down.
 */
class RunnerExecutorTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private final InMemoryEventLog log = new InMemoryEventLog();
  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
  private final List<ProjectionRunner> runners = new ArrayList<>();
  private final List<ExecutorService> executors = new ArrayList<>();
  /** The threads the handlers ran on. */
  private final Set<String> handlerThreads = ConcurrentHashMap.newKeySet();

  @AfterEach
  void stopAll() {
    runners.forEach(ProjectionRunner::stop);
    executors.forEach(ExecutorService::shutdownNow);
  }

  private ExecutorService pool(int threads, String prefix) {
    AtomicInteger count = new AtomicInteger();
    ThreadFactory factory = runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
    ExecutorService pool = Executors.newFixedThreadPool(threads, factory);
    executors.add(pool);
    return pool;
  }

  private ProjectionEngine engine(int partitions) {
    ProjectionEngine engine = Projections.engine("accounts").store(store.openAnother())
        .readModel(ACCOUNTS).partitions(partitions).build();
    accountHandlers(engine);
    engine.on(Object.class, (Object e, HandlerContext c) ->
        handlerThreads.add(Thread.currentThread().getName()));
    return engine;
  }

  private ProjectionRunner.Builder runner(int partitions) {
    return ProjectionRunner.builder(log).projection(engine(partitions)).batchSize(10)
        .maxIdleWait(Duration.ofMillis(20));
  }

  private ProjectionRunner started(ProjectionRunner.Builder builder) {
    ProjectionRunner runner = builder.build();
    runners.add(runner);
    runner.start();
    return runner;
  }

  private long appendAccounts(int accounts) {
    long last = 0;
    for (int a = 0; a < accounts; a++) {
      log.append("acc-" + a, new Opened("acc-" + a, "owner"));
      last = log.append("acc-" + a, new Deposited("acc-" + a, 5));
    }
    return last;
  }

  @Test
  void eachPartitionIsProcessedOnAThreadOfTheUsersExecutor() throws InterruptedException {
    ExecutorService pool = pool(4, "user-pool-");
    ProjectionRunner runner = started(runner(4).node("node-a").executor(pool));
    long head = appendAccounts(40);

    assertThat(runner.awaitPosition("accounts", head, DEADLINE)).isTrue();
    assertThat(handlerThreads).hasSize(4).allSatisfy(name -> assertThat(name).startsWith("user-pool-"));
    assertThat(runner.partitions("accounts")).allMatch(PartitionStatus::ownedHere);

    runner.stop();
    assertThat(pool.isShutdown()).isFalse();
    await().atMost(DEADLINE).until(() -> ((ThreadPoolExecutor) pool).getActiveCount() == 0);
  }

  @Test
  void aProjectionOfOnePartitionRunsOnTheUsersExecutorToo() throws InterruptedException {
    ProjectionRunner runner = started(runner(1).executor(pool(1, "single-")));
    long head = appendAccounts(5);

    assertThat(runner.awaitPosition("accounts", head, DEADLINE)).isTrue();
    assertThat(handlerThreads).containsExactly("single-1");
  }

  @Test
  void aPoolThatCannotRunEveryPartitionAtOnceIsRefused() {
    ExecutorService pool = pool(3, "small-");

    assertThatThrownBy(() -> runner(4).node("node-a").executor(pool).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("executor: " + pool)
        .hasMessageContaining("runs at most 3 tasks at once")
        .hasMessageContaining("have 4 partitions");
  }

  @Test
  void anExecutorThatIsShutDownFailsStartWithATypedError() {
    ExecutorService shutDown = Executors.newCachedThreadPool();
    shutDown.shutdown();
    ProjectionRunner runner = runner(1).executor(shutDown).build();
    runners.add(runner);

    assertThatThrownBy(runner::start)
        .isInstanceOfSatisfying(ExecutorRejectedException.class, e ->
            assertThat(e.rejectedProjections()).containsExactly("accounts"))
        .hasMessageContaining("executor " + shutDown)
        .hasMessageContaining("shut down")
        .hasMessageContaining("accounts");
    assertThat(runner.status("accounts").state()).isEqualTo(RunState.STOPPED);
  }

  @Test
  void aProjectionWhoseLoopIsRejectedFailsNamingTheExecutorAndStartsOnceItIsTaken()
      throws InterruptedException {
    ExecutorService pool = pool(1, "later-");
    AtomicInteger rejections = new AtomicInteger(2);
    Executor full = new Executor() {
      @Override
      public void execute(Runnable task) {
        if (rejections.getAndDecrement() > 0) {
          throw new RejectedExecutionException("no room");
        }
        pool.execute(task);
      }

      @Override
      public String toString() {
        return "full-executor";
      }
    };
    ProjectionEngine engine = Projections.engine("accounts").store(store.openAnother())
        .readModel(ACCOUNTS).generationRefresh(Duration.ofMillis(50)).build();
    accountHandlers(engine);
    ProjectionRunner runner = started(ProjectionRunner.builder(log).projection(engine)
        .maxIdleWait(Duration.ofMillis(20)).executor(full));
    long head = appendAccounts(3);

    assertThat(runner.awaitPosition("accounts", head, DEADLINE)).isTrue();
    assertThat(rejections.get()).isNegative();
    await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(runner.status("accounts").state()).isEqualTo(RunState.RUNNING));
  }

  @Test
  void aPartitionWhoseLoopIsRejectedIsGivenUpNamingTheExecutor() {
    Executor full = new Executor() {
      @Override
      public void execute(Runnable task) {
        throw new RejectedExecutionException("no room");
      }

      @Override
      public String toString() {
        return "full-executor";
      }
    };
    ProjectionRunner runner = started(runner(2).node("node-a").executor(full));

    await().atMost(DEADLINE).untilAsserted(() -> assertThat(runner.partitions("accounts"))
        .hasSize(2)
        .allSatisfy(partition -> assertThat(partition.ownedHere()).isFalse())
        .anySatisfy(partition -> assertThat(partition.lastError())
            .contains("full-executor rejected").contains("no room")));
  }
}
