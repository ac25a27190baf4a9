package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.event;
import static io.orchestrix.projection.core.Fixtures.events;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.core.Fixtures.Account;
import io.orchestrix.projection.core.Fixtures.AccountEvent;
import io.orchestrix.projection.core.Fixtures.Closed;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import io.orchestrix.projection.core.Fixtures.Unhandled;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EngineProcessingTest {

  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  private ProjectionEngine engine() {
    return Projections.engine("accounts").store(store).readModel(ACCOUNTS).build();
  }

  @Nested
  class HandlerRegistration {

    @Test
    void lambdaHandlersOfBothShapesAreCalledInRegistrationOrder() {
      List<String> calls = new ArrayList<>();
      ProjectionEngine engine = engine();
      engine.on(Opened.class, e -> calls.add("first " + e.account()));
      engine.on(Opened.class, (Opened e, HandlerContext c) ->
          calls.add("second " + e.account() + " at " + c.envelope().position()));
      engine.on(Opened.class, e -> calls.add("third"));

      engine.handleEvent(event(1, new Opened("a", "ann")));

      assertThat(calls).containsExactly("first a", "second a at 1", "third");
    }

    @Test
    void aHandlerForAnInterfaceReceivesEveryEventImplementingIt() {
      List<String> seen = new ArrayList<>();
      ProjectionEngine engine = engine();
      engine.on(AccountEvent.class, e -> seen.add(e.getClass().getSimpleName()));
      engine.on(Deposited.class, e -> seen.add("exact"));

      engine.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 5),
          new Unhandled("x")));

      assertThat(seen).containsExactly("Opened", "Deposited", "exact");
    }

    @Test
    void annotatedMethodsAreDiscoveredWithAndWithoutContext() {
      class AccountProjection {
        final List<String> calls = new ArrayList<>();

        @Handles
        void opened(Opened event, HandlerContext context) {
          context.readModel(ACCOUNTS).save(new Account(event.account(), event.owner(), 0, "OPEN"));
          calls.add("opened");
        }

        @Handles
        private void deposited(Deposited event) {
          calls.add("deposited " + event.amount());
        }

        @Handles
        CompletionStage<Void> closed(Closed event) {
          calls.add("closed");
          return CompletableFuture.completedFuture(null);
        }
      }
      AccountProjection projection = new AccountProjection();
      ProjectionEngine engine = engine().register(projection);

      engine.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 3), new Closed("a")));

      assertThat(projection.calls).containsExactly("opened", "deposited 3", "closed");
      assertThat(engine.readModel(ACCOUNTS).findById("a")).isPresent();
    }

    @Test
    void asyncHandlersAreAwaitedInOrderBeforeTheNextHandler() {
      List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
      var executor = Executors.newSingleThreadExecutor();
      try {
        ProjectionEngine engine = engine();
        engine.onAsync(Opened.class, (e, c) -> CompletableFuture.runAsync(() -> {
          c.readModel(ACCOUNTS).save(new Account(e.account(), e.owner(), 0, "OPEN"));
          calls.add("async");
        }, executor));
        engine.on(Opened.class, (Opened e, HandlerContext c) -> {
          calls.add("sync sees " + c.readModel(ACCOUNTS).findById(e.account()).isPresent());
        });

        engine.handleEvent(event(1, new Opened("a", "ann")));

        assertThat(calls).containsExactly("async", "sync sees true");
        assertThat(engine.readModel(ACCOUNTS).findById("a")).isPresent();
      } finally {
        executor.shutdownNow();
      }
    }
  }

  @Nested
  class Processing {

    @Test
    void aBatchBuildsReadModelsAndMovesTheCheckpoint() {
      ProjectionEngine engine = engine();
      Fixtures.accountHandlers(engine);

      BatchResult result = engine.processEvents(events(1,
          new Opened("a", "ann"), new Deposited("a", 10), new Deposited("a", 5),
          new Opened("b", "bob"), new Closed("b")));

      assertThat(result).isEqualTo(new BatchResult(5, 0, 0, 5));
      assertThat(engine.readModel(ACCOUNTS).findById("a"))
          .contains(new Account("a", "ann", 15, "OPEN"));
      assertThat(engine.readModel(ACCOUNTS).findById("b")).isEmpty();
      ProjectionState state = engine.state();
      assertThat(state.lastProcessedPosition()).isEqualTo(5);
      assertThat(state.lastProcessedEventId()).isEqualTo("evt-5");
      assertThat(state.healthy()).isTrue();
      assertThat(store.loadState("accounts")).contains(state);
    }

    @Test
    void eventsWithoutHandlersStillMoveTheCheckpoint() {
      ProjectionEngine engine = engine();

      engine.processEvents(events(1, new Unhandled("x"), new Unhandled("y")));

      assertThat(engine.state().lastProcessedPosition()).isEqualTo(2);
    }

    @Test
    void queriesUseTheIndexesAndSeeOnlyCommittedData() {
      ProjectionEngine engine = engine();
      Fixtures.accountHandlers(engine);
      engine.on(Opened.class, (Opened e, HandlerContext c) -> {
        // inside the batch the repository sees the batch's own writes, even by index
        assertThat(c.readModel(ACCOUNTS).findBy("owner", e.owner())).extracting(Account::id)
            .contains(e.account());
        // outside, nothing of the running batch is visible
        assertThat(engine.readModel(ACCOUNTS).findById(e.account())).isEmpty();
      });

      engine.processEvents(events(1, new Opened("a", "ann"), new Opened("b", "ann"),
          new Opened("c", "cid")));

      assertThat(engine.readModel(ACCOUNTS).findBy("owner", "ann")).extracting(Account::id)
          .containsExactly("a", "b");
      assertThat(engine.readModel(ACCOUNTS).findBy("status", "OPEN")).hasSize(3);
      assertThat(engine.readModel(ACCOUNTS).count()).isEqualTo(3);
      assertThat(engine.readModel(ACCOUNTS).streamAll()).extracting(Account::id)
          .containsExactly("a", "b", "c");
    }

    @Test
    void streamAllPagesThroughManyDocuments() {
      ProjectionEngine engine = engine();
      Fixtures.accountHandlers(engine);
      List<Object> opened = new ArrayList<>();
      for (int i = 0; i < 1234; i++) {
        opened.add(new Opened(String.format("acc-%05d", i), "o"));
      }
      engine.processEvents(events(1, opened.toArray()));

      assertThat(engine.readModel(ACCOUNTS).streamAll().count()).isEqualTo(1234);
      assertThat(engine.readModel(ACCOUNTS).streamAll().map(Account::id).distinct().count())
          .isEqualTo(1234);
    }
  }

  @Nested
  class Idempotency {

    @Test
    void theSameEventDeliveredTwiceIsAppliedOnce() {
      ProjectionEngine engine = engine();
      Fixtures.accountHandlers(engine);
      engine.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 10)));

      BatchResult again = engine.handleEvent(event(2, new Deposited("a", 10)));

      assertThat(again).isEqualTo(new BatchResult(0, 1, 0, 2));
      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(10);
    }

    @Test
    void aRedeliveredOlderEventIsSkippedAndAnOverlappingBatchAppliesOnlyTheNewPart() {
      ProjectionEngine engine = engine();
      Fixtures.accountHandlers(engine);
      engine.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 1),
          new Deposited("a", 2)));

      engine.handleEvent(event(1, new Opened("a", "someone else")));
      BatchResult overlap = engine.processEvents(events(2, new Deposited("a", 1),
          new Deposited("a", 2), new Deposited("a", 4)));

      assertThat(overlap).isEqualTo(new BatchResult(1, 2, 0, 4));
      assertThat(engine.readModel(ACCOUNTS).findById("a"))
          .contains(new Account("a", "ann", 7, "OPEN"));
    }

    @Test
    void anEngineRestartedOnTheSameStoreResumesAfterItsCheckpoint() {
      ProjectionEngine first = engine();
      Fixtures.accountHandlers(first);
      first.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 10)));

      ProjectionEngine restarted = engine();
      Fixtures.accountHandlers(restarted);
      BatchResult result = restarted.processEvents(events(1, new Opened("a", "ann"),
          new Deposited("a", 10), new Deposited("a", 5)));

      assertThat(result).isEqualTo(new BatchResult(1, 2, 0, 3));
      assertThat(restarted.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(15);
    }
  }

  @Nested
  class ReplayAndReset {

    @Test
    void replayClearsTheReadModelsAndRebuildsThemFromTheEvents() {
      ProjectionEngine engine = engine();
      Fixtures.accountHandlers(engine);
      engine.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", 10),
          new Opened("stale", "x")));

      BatchResult replayed = engine.replay(events(1, new Opened("a", "ann"), new Deposited("a", 3)));

      assertThat(replayed).isEqualTo(new BatchResult(2, 0, 0, 2));
      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(3);
      assertThat(engine.readModel(ACCOUNTS).findById("stale")).isEmpty();
      assertThat(engine.state().lastProcessedPosition()).isEqualTo(2);
    }

    @Test
    void replayProcessesALargeStreamInBatchesOfTheConfiguredSize() {
      ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
          .batchSize(7).build();
      Fixtures.accountHandlers(engine);
      List<Object> payloads = new ArrayList<>();
      payloads.add(new Opened("a", "ann"));
      for (int i = 0; i < 100; i++) {
        payloads.add(new Deposited("a", 1));
      }

      BatchResult result = engine.replay(events(1, payloads.toArray()));

      assertThat(result.applied()).isEqualTo(101);
      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(100);
    }

    @Test
    void aRebuildLargerThanTheCacheReadsOnlyEvictedDocumentsFromTheStore() {
      List<String> read = new ArrayList<>();
      ForwardingStore counting = new ForwardingStore(store) {
        @Override
        public Optional<StoredDocument> find(String rm, String id) {
          if (rm.equals(ACCOUNTS.name())) {
            read.add(id);
          }
          return super.find(rm, id);
        }

        @Override
        public Map<String, StoredDocument> findAll(String rm, Collection<String> ids) {
          if (rm.equals(ACCOUNTS.name())) {
            read.addAll(ids);
          }
          return super.findAll(rm, ids);
        }
      };
      ProjectionEngine engine = Projections.engine("accounts").store(counting).readModel(ACCOUNTS)
          .prefetch(ACCOUNTS, EventEnvelope::streamId).cacheSize(10).batchSize(25).build();
      Fixtures.accountHandlers(engine);
      List<Object> payloads = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        payloads.add(new Opened("a" + i, "owner"));
      }
      payloads.add(new Deposited("a0", 5));
      payloads.add(new Deposited("a199", 7));

      engine.replay(events(1, payloads.toArray()));

      assertThat(read).as("new accounts are known absent; a0 was evicted, a199 is cached")
          .containsExactly("a0");
      assertThat(engine.readModel(ACCOUNTS).count()).isEqualTo(200);
      assertThat(engine.readModel(ACCOUNTS).findById("a0").orElseThrow().balance()).isEqualTo(5);
      assertThat(engine.readModel(ACCOUNTS).findById("a199").orElseThrow().balance()).isEqualTo(7);
    }

    @Test
    void resetEmptiesOnlyThisProjectionsReadModelsAndCheckpoint() {
      ProjectionEngine engine = engine();
      Fixtures.accountHandlers(engine);
      engine.processEvents(events(1, new Opened("a", "ann")));

      engine.operations().reset();

      assertThat(engine.readModel(ACCOUNTS).count()).isZero();
      assertThat(engine.state().lastProcessedPosition()).isZero();
      assertThat(engine.state().lastProcessedEventId()).isNull();
    }
  }
}
