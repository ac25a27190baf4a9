package io.orchestrix.projection.core;

import static io.orchestrix.projection.core.Fixtures.ACCOUNTS;
import static io.orchestrix.projection.core.Fixtures.accountHandlers;
import static io.orchestrix.projection.core.Fixtures.events;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.core.Fixtures.Deposited;
import io.orchestrix.projection.core.Fixtures.Opened;
import org.junit.jupiter.api.Test;

class EngineClaimTest {

  private final InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();

  private ProjectionEngine node() {
    ProjectionEngine engine = Projections.engine("accounts").store(store).readModel(ACCOUNTS)
        .partitions(2).build();
    accountHandlers(engine);
    return engine;
  }

  @Test
  void aPartitionClaimedAgainFencesTheWriterThatHeldItInBetween() {
    ProjectionEngine first = node();
    ProjectionEngine second = node();
    first.partition(1).processEvents(events(1, new Opened("a", "ann")));
    second.partition(1).claim();
    second.partition(1).processEvents(events(2, new Deposited("a", 5)));

    assertThat(first.partition(1).claim().lastProcessedPosition())
        .as("the claim reloads what the other writer committed").isEqualTo(2);
    assertThatThrownBy(() -> second.partition(1).processEvents(events(3, new Deposited("a", 7))))
        .isInstanceOf(WriterFencedException.class);
    first.partition(1).processEvents(events(3, new Deposited("a", 1)));

    assertThat(first.readModel(ACCOUNTS).findById("a").orElseThrow().balance()).isEqualTo(6);
    assertThat(first.partition(0).state().lastProcessedPosition()).as("other partition untouched")
        .isZero();
  }
}
