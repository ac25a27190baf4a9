package io.orchestrix.projection.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.core.InMemoryEventLog;
import io.orchestrix.projection.core.ProjectionStores;
import io.orchestrix.projection.spring.Notes.NoteWritten;
import io.orchestrix.projection.spring.Notes.SlowProjection;
import io.orchestrix.projection.spring.autoconfigure.ProjectionsAutoConfiguration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/** Closing the context lets the batch in flight commit as a whole before the runner stops. */
class GracefulShutdownTest {

  @Test
  void theBatchInFlightCommitsWholeWhenTheContextCloses() throws Exception {
    SlowProjection slow = new SlowProjection();
    CountDownLatch closing = new CountDownLatch(1);
    String store = "memory:starter-graceful-shutdown";
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ProjectionsAutoConfiguration.class))
        .withPropertyValues("orchestrix.projections.store.uri=" + store,
            "orchestrix.projections.shutdown-timeout=60s")
        .withBean(SlowProjection.class, () -> slow)
        .withBean("closingListener", ApplicationListener.class,
            () -> (ApplicationListener<ContextClosedEvent>) event -> closing.countDown())
        .run(context -> {
          InMemoryEventLog log = context.getBean(InMemoryEventLog.class);
          // one append, so that both events are in the runner's first page and batch
          long last = log.append("notes", 0,
              List.of(new NoteWritten("note-1", "a"), new NoteWritten("note-2", "b")));
          assertThat(slow.entered.await(30, TimeUnit.SECONDS)).as("the batch started").isTrue();

          ConfigurableApplicationContext application = context.getSourceApplicationContext();
          CompletableFuture<Void> closed = CompletableFuture.runAsync(application::close);
          assertThat(closing.await(30, TimeUnit.SECONDS)).as("the context is closing").isTrue();
          assertThat(closed).as("the close waits for the batch in flight").isNotDone();
          slow.release.countDown();
          closed.get(60, TimeUnit.SECONDS);

          try (ProjectionStateStore shared = ProjectionStores.open(store)) {
            assertThat(shared.loadState("slow")).hasValueSatisfying(state ->
                assertThat(state.lastProcessedPosition()).as("both events, committed together")
                    .isEqualTo(last));
          }
        });
  }
}
