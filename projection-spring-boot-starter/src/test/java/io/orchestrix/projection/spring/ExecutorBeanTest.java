package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * An {@link java.util.concurrent.Executor} bean named {@value ProjectionsAutoConfiguration#EXECUTOR_BEAN}
 * runs the partitions' processing loops, and the starter leaves it running at shutdown.
 */
class ExecutorBeanTest {

  record Seen(String id) {}

  /** Notes the thread each event was handled on. */
  @Projection(id = "threads")
  static class ThreadsProjection {
    static final ReadModel<Seen> SEEN = ReadModel.builder("seen", Seen.class).id(Seen::id).build();
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Handles
    void on(Notes.NoteWritten event, HandlerContext context) {
      threads.add(Thread.currentThread().getName());
      context.readModel(SEEN).save(new Seen(event.id()));
    }
  }

  @Test
  void theApplicationsExecutorRunsEveryPartitionAndOutlivesTheContext() {
    AtomicInteger created = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
      Thread thread = new Thread(runnable, "app-projections-" + created.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    InMemoryEventLog log = new InMemoryEventLog();
    ThreadsProjection projection = new ThreadsProjection();
    try {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class))
          .withBean(EventSource.class, () -> log)
          .withBean(ThreadsProjection.class, () -> projection)
          .withBean(ProjectionsAutoConfiguration.EXECUTOR_BEAN, ExecutorService.class, () -> executor,
              definition -> definition.setDestroyMethodName(""))
          .withPropertyValues("orchestrix.projections.partitions=3",
              "orchestrix.projections.max-latency=20ms")
          .run(context -> {
            for (int i = 1; i <= 30; i++) {
              log.append("note-" + i, new Notes.NoteWritten("n-" + i, "text " + i));
            }
            await().atMost(Duration.ofSeconds(60))
                .until(() -> context.getBean(ProjectionEngines.class).engine("threads")
                    .readModel(ThreadsProjection.SEEN).count() == 30);
          });
      assertThat(projection.threads).isNotEmpty().allMatch(name -> name.startsWith("app-projections-"));
      assertThat(projection.threads).as("one loop per partition, each on a thread of the pool")
          .hasSizeGreaterThan(1);
      assertThat(executor.isShutdown()).as("the application's executor is its own to shut down")
          .isFalse();
    } finally {
      executor.shutdownNow();
    }
  }
}
