package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.event;
import static io.orchestrix.projection.core.Fixtures.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.HandlerFailedException;
import io.orchestrix.projection.HandlerTimeoutException;
import io.orchestrix.projection.Handles;
import io.orchestrix.projection.InvalidEventException;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStoppedException;
import io.orchestrix.projection.core.Fixtures.Account;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EngineFailureTest {

  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  private ProjectionEngine engine() {
    ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
        .handlerTimeout(Duration.ofMillis(300)).build();
    Fixtures.accountHandlers(engine);
    return engine;
  }

  @Nested
  class HandlerFailures {

    @Test
    void aFailingHandlerIsReportedWithProjectionEventPositionAndHandler() {
      ProjectionEngine engine = engine();

      HandlerFailedException failure = catchThrowableOfType(HandlerFailedException.class,
          () -> engine.processEvents(events(1, new Opened("a", "ann"), new Deposited("a", -5))));

      assertThat(failure.projectionId()).contains("accounts");
      assertThat(failure.eventId()).contains("evt-2");
      assertThat(failure.position()).isEqualTo(2);
      assertThat(failure.handler()).isEqualTo("on(Deposited)#2");
      assertThat(failure).hasMessageContaining("negative deposit -5")
          .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theGoodPrefixIsCommittedAndTheFailingEventLeavesNoTrace() {
      ProjectionEngine engine = engine();
      engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
        // a later handler of the same event wrote first, then the event failed: rolled back too
        c.readModel(ACCOUNTS).save(new Account("ghost-" + e.amount(), "x", 0, "OPEN"));
      });

      assertThatThrownBy(() -> engine.processEvents(events(1, new Opened("a", "ann"),
          new Deposited("a", 10), new Deposited("a", -1), new Deposited("a", 100))))
          .isInstanceOf(HandlerFailedException.class);

      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(10);
      assertThat(engine.readModel(ACCOUNTS).findById("ghost-10")).isPresent();
      assertThat(engine.readModel(ACCOUNTS).findById("ghost--1")).isEmpty();
      ProjectionState state = engine.state();
      assertThat(state.lastProcessedPosition()).isEqualTo(2);
      assertThat(state.healthy()).isFalse();
      assertThat(state.failedPosition()).isEqualTo(3);
      assertThat(state.errorCount()).isEqualTo(1);
      assertThat(state.lastError()).contains("negative deposit -1");
      assertThat(store.loadState("accounts")).contains(state);
    }

    @Test
    void aStoppedProjectionRefusesToSkipTheFailedEventAndRecoversWhenItSucceeds() {
      List<Long> fixed = new ArrayList<>();
      ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS).build();
      engine.on(Opened.class, (Opened e, HandlerContext c) ->
          c.readModel(ACCOUNTS).save(new Account(e.account(), e.owner(), 0, "OPEN")));
      engine.on(Deposited.class, (Deposited e, HandlerContext c) -> {
        if (fixed.isEmpty()) {
          throw new IOException("downstream unavailable");
        }
        Account a = c.readModel(ACCOUNTS).findById(e.account()).orElseThrow();
        c.readModel(ACCOUNTS).save(new Account(a.id(), a.owner(), a.balance() + e.amount(), a.status()));
      });
      assertThatThrownBy(() -> engine.processEvents(events(1, new Opened("a", "ann"),
          new Deposited("a", 10)))).isInstanceOf(HandlerFailedException.class)
          .hasCauseInstanceOf(IOException.class);
      assertThat(engine.isHealthy()).isFalse();

      assertThatThrownBy(() -> engine.handleEvent(event(3, new Deposited("a", 1))))
          .isInstanceOf(ProjectionStoppedException.class)
          .hasMessageContaining("stopped at the failed event at position 2");
      assertThat(engine.state().lastProcessedPosition()).isEqualTo(1);

      fixed.add(1L);
      engine.processEvents(events(2, new Deposited("a", 10), new Deposited("a", 1)));

      assertThat(engine.isHealthy()).isTrue();
      assertThat(engine.state().errorCount()).isEqualTo(1);
      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(11);
    }

    @Test
    void replayMakesAStoppedProjectionHealthyAgain() {
      ProjectionEngine engine = engine();
      assertThatThrownBy(() -> engine.processEvents(events(1, new Opened("a", "ann"),
          new Deposited("a", -1)))).isInstanceOf(HandlerFailedException.class);

      engine.replay(events(1, new Opened("a", "ann"), new Deposited("a", 4)));

      assertThat(engine.isHealthy()).isTrue();
      assertThat(engine.state().errorCount()).isZero();
      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(4);
    }

    @Test
    void aReplayThatFailsInALaterBatchReportsTheHandlerFailureAndKeepsWhatCameBefore() {
      ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
          .batchSize(2).build();
      Fixtures.accountHandlers(engine);

      assertThatThrownBy(() -> engine.replay(events(1, new Opened("a", "ann"), new Deposited("a", 1),
          new Deposited("a", 2), new Deposited("a", -3), new Deposited("a", 4), new Deposited("a", 5),
          new Deposited("a", 6))))
          .isInstanceOf(HandlerFailedException.class)
          .hasMessageContaining("at position 4");

      assertThat(engine.state().lastProcessedPosition()).isEqualTo(3);
      assertThat(engine.state().failedPosition()).isEqualTo(4);
      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(3);
    }

    @Test
    void theDeadLetterPolicyStoresTheFailedEventAndGoesOn() {
      ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
          .failurePolicy(FailurePolicy.deadLetter()).build();
      Fixtures.accountHandlers(engine);

      BatchResult result = engine.processEvents(events(1, new Opened("a", "ann"),
          new Opened("b", "bob"), new Deposited("a", -7), new Deposited("b", 5),
          new Deposited("a", 5)));

      // b goes on; a's later deposit is parked behind its dead letter, so a never sees it out of order
      assertThat(result).isEqualTo(new BatchResult(3, 0, 2, 5));
      assertThat(engine.isHealthy()).isTrue();
      assertThat(engine.state().errorCount()).isEqualTo(1);
      assertThat(engine.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isZero();
      assertThat(engine.readModel(ACCOUNTS).findById("b").orElseThrow().balance()).isEqualTo(5);
      List<DeadLetter> letters = engine.operations().deadLetters();
      assertThat(letters).extracting(DeadLetter::isParked).containsExactly(false, true);
      DeadLetter letter = letters.get(0);
      assertThat(letter.position()).isEqualTo(3);
      assertThat(letter.eventId()).isEqualTo("evt-3");
      assertThat(letter.streamId()).isEqualTo("a");
      assertThat(letter.eventType()).isEqualTo(Deposited.class.getName());
      assertThat(letter.errorType()).isEqualTo(IllegalArgumentException.class.getName());
      assertThat(letter.errorMessage()).isEqualTo("negative deposit -7");
      assertThat(letter.stackTrace()).contains("IllegalArgumentException");
      assertThat(letter.envelopeJson()).contains("\"amount\":-7").contains("\"eventId\":\"evt-3\"");
    }
  }

  @Nested
  class AsyncFailures {

    @Test
    void aStageThatFailsFailsTheEvent() {
      ProjectionEngine engine = engine();
      engine.onAsync(Opened.class, (e, c) -> CompletableFuture.failedFuture(new IOException("boom")));

      assertThatThrownBy(() -> engine.handleEvent(event(1, new Opened("a", "ann"))))
          .isInstanceOf(HandlerFailedException.class)
          .hasCauseInstanceOf(IOException.class)
          .hasMessageContaining("boom");
      assertThat(engine.readModel(ACCOUNTS).findById("a")).isEmpty();
    }

    @Test
    void aStageThatNeverCompletesTimesOutAndCannotWriteAfterwards() {
      ProjectionEngine engine = engine();
      List<HandlerContext> contexts = new ArrayList<>();
      engine.onAsync(Opened.class, (e, c) -> {
        contexts.add(c);
        return new CompletableFuture<Void>();
      });

      assertThatThrownBy(() -> engine.handleEvent(event(1, new Opened("a", "ann"))))
          .isInstanceOf(HandlerTimeoutException.class)
          .hasMessageContaining("did not complete within PT0.3S");
      assertThatThrownBy(() -> contexts.get(0).readModel(ACCOUNTS))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is closed");
      assertThat(engine.readModel(ACCOUNTS).findById("a")).isEmpty();
      assertThat(engine.state().failedPosition()).isEqualTo(1);
    }

    @Test
    void anAsyncHandlerReturningNullFailsTheEvent() {
      ProjectionEngine engine = engine();
      engine.onAsync(Opened.class, (e, c) -> null);

      assertThatThrownBy(() -> engine.handleEvent(event(1, new Opened("a", "ann"))))
          .isInstanceOf(HandlerFailedException.class)
          .hasMessageContaining("returned null");
    }
  }

  @Nested
  class BadInput {

    @Test
    void aNullEventOrBatchOrElementIsRefusedAndChangesNothing() {
      ProjectionEngine engine = engine();

      assertThatThrownBy(() -> engine.handleEvent(null))
          .isInstanceOf(InvalidEventException.class).hasMessageContaining("null event");
      assertThatThrownBy(() -> engine.processEvents(null))
          .isInstanceOf(InvalidEventException.class).hasMessageContaining("null batch");
      assertThatThrownBy(() -> engine.processEvents(
          Arrays.asList(event(1, new Opened("a", "ann")), null)))
          .isInstanceOf(InvalidEventException.class).hasMessageContaining("event 1 of the batch is null");

      assertThat(engine.state().lastProcessedPosition()).isZero();
      assertThat(engine.readModel(ACCOUNTS).count()).isZero();
    }

    @Test
    void aNullPayloadCannotEvenBeWrapped() {
      assertThatThrownBy(() -> event(1, null))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("payload must not be null");
    }

    @Test
    void positionsGoingBackwardsInABatchAreRefusedBeforeAnythingIsApplied() {
      ProjectionEngine engine = engine();

      assertThatThrownBy(() -> engine.processEvents(List.of(event(1, new Opened("a", "ann")),
          event(3, new Deposited("a", 1)), event(2, new Deposited("a", 1)))))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageContaining("positions must strictly increase")
          .hasMessageContaining("evt-2 at position 2 follows event evt-3 at position 3");

      assertThat(engine.readModel(ACCOUNTS).count()).isZero();
      assertThat(engine.state().lastProcessedPosition()).isZero();
    }

    @Test
    void aHandlerForANullTypeOrAnUnusableAnnotatedMethodIsRefused() {
      ProjectionEngine engine = engine();

      assertThatThrownBy(() -> engine.on(null, e -> { }))
          .isInstanceOf(NullPointerException.class).hasMessageContaining("eventType must not be null");
      assertThatThrownBy(() -> engine.register(new Object()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no @Handles method");
      assertThatThrownBy(() -> engine.register(new Object() {
        @Handles
        String wrong(Opened e) {
          return "";
        }
      })).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must return void or a CompletionStage");
    }

    @Test
    void aDocumentThatCannotBeSerialisedFailsItsEventAndChangesNothing() {
      record Unserialisable(String id, Object self) {}
      var broken = io.orchestrix.projection.ReadModel.builder("broken", Unserialisable.class)
          .id(Unserialisable::id).build();
      ProjectionEngine engine = Projections.engine("broken").store(store).readModel(broken).build();
      engine.on(Opened.class, (Opened e, HandlerContext c) ->
          c.readModel(broken).save(new Unserialisable(e.account(), new Object())));

      assertThatThrownBy(() -> engine.handleEvent(event(1, new Opened("a", "ann"))))
          .isInstanceOf(HandlerFailedException.class)
          .hasCauseInstanceOf(io.orchestrix.projection.SerializationException.class)
          .hasMessageContaining("cannot serialise");
      assertThat(engine.readModel(broken).count()).isZero();
    }

    @Test
    void builderSettingsAreCheckedAtOnce() {
      assertThatThrownBy(() -> Projections.engine("bad id!"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad id!");
      assertThatThrownBy(() -> Projections.engine("p").batchSize(0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize");
      assertThatThrownBy(() -> Projections.engine("p").handlerTimeout(Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("handlerTimeout");
      assertThatThrownBy(() -> Projections.engine("p").readModel(ACCOUNTS).readModel(ACCOUNTS))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("declared twice");
    }

    @Test
    void aReadModelNotDeclaredOnTheEngineIsRefusedByName() {
      ProjectionEngine engine = Projections.engine("other").store(store).build();

      assertThatThrownBy(() -> engine.readModel(ACCOUNTS))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("read model 'account' is not declared on projection 'other'");
    }
  }
}
