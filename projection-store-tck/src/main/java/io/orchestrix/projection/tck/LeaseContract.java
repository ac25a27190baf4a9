package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.ContractSupport.runConcurrently;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Leases are taken by one owner at a time, renewed, released, and expire by the store's clock; of
 * owners racing for a free lease on separate store instances, exactly one wins.
 */
public interface LeaseContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** A time to live that no test outlasts by accident. */
  Duration LONG = Duration.ofMinutes(5);

  /** Contract: a free lease is taken and listed with its owner, epoch and remaining time. */
  @Test
  @DisplayName("a free lease is taken and listed with its owner, epoch and remaining time")
  default void freeLeaseTaken() {
    ProjectionStore store = fixture().store();

    Lease lease = store.acquireLease("orders", "p0", "node-a", LONG).orElseThrow();

    assertThat(lease.group()).isEqualTo("orders");
    assertThat(lease.resource()).isEqualTo("p0");
    assertThat(lease.owner()).isEqualTo("node-a");
    assertThat(lease.remaining()).isPositive().isLessThanOrEqualTo(LONG);
    assertThat(lease.expired()).isFalse();
    List<Lease> listed = fixture().anotherStore().leases("orders");
    assertThat(listed).singleElement().satisfies(seen -> {
      assertThat(seen.owner()).isEqualTo("node-a");
      assertThat(seen.epoch()).isEqualTo(lease.epoch());
      assertThat(seen.expiresAt()).isEqualTo(lease.expiresAt());
    });
  }

  /**
   * Contract: a held lease is refused to another owner and renewed by its own, keeping its epoch.
   *
   * @throws InterruptedException if the test is interrupted in its pause before the renewal
   */
  @Test
  @DisplayName("a held lease is refused to another owner and renewed by its own, keeping its epoch")
  default void heldLeaseRefusedAndRenewed() throws InterruptedException {
    ProjectionStore store = fixture().store();
    Lease first = store.acquireLease("orders", "p0", "node-a", LONG).orElseThrow();

    assertThat(fixture().anotherStore().acquireLease("orders", "p0", "node-b", LONG)).isEmpty();
    Thread.sleep(20);
    Lease renewed = store.acquireLease("orders", "p0", "node-a", LONG).orElseThrow();

    assertThat(renewed.epoch()).isEqualTo(first.epoch());
    assertThat(renewed.expiresAt()).isAfter(first.expiresAt());
    assertThat(store.leases("orders")).singleElement()
        .satisfies(seen -> assertThat(seen.owner()).isEqualTo("node-a"));
  }

  /**
   * Contract: an expired lease goes to the next owner with a greater epoch, and is listed as
   * expired first.
   */
  @Test
  @DisplayName("an expired lease goes to the next owner with a greater epoch, and is listed as expired first")
  default void expiredLeaseTakenOver() {
    ProjectionStore store = fixture().store();
    Lease first = store.acquireLease("orders", "p0", "node-a", Duration.ofMillis(300)).orElseThrow();

    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .until(() -> store.leases("orders").get(0).expired());
    Lease taken = fixture().anotherStore().acquireLease("orders", "p0", "node-b", LONG).orElseThrow();

    assertThat(taken.owner()).isEqualTo("node-b");
    assertThat(taken.epoch()).isGreaterThan(first.epoch());
    assertThat(store.acquireLease("orders", "p0", "node-a", LONG)).as("the old owner").isEmpty();
  }

  /** Contract: a released lease is free at once; only its holder can release it. */
  @Test
  @DisplayName("a released lease is free at once; only its holder can release it")
  default void releasedLeaseIsFree() {
    ProjectionStore store = fixture().store();
    store.acquireLease("orders", "p0", "node-a", LONG).orElseThrow();

    assertThat(store.releaseLease("orders", "p0", "node-b")).as("released by another owner").isFalse();
    assertThat(store.releaseLease("orders", "p0", "node-a")).isTrue();
    assertThat(store.releaseLease("orders", "p0", "node-a")).as("released twice").isFalse();

    assertThat(fixture().anotherStore().acquireLease("orders", "p0", "node-b", LONG)).isPresent();
  }

  /**
   * Contract: of owners racing on separate store instances for a free lease, exactly one gets it.
   *
   * @throws Exception if a racing thread fails otherwise or is interrupted
   */
  @Test
  @DisplayName("of owners racing on separate store instances for a free lease, exactly one gets it")
  default void exactlyOneWinsARace() throws Exception {
    int racers = 6;
    for (int round = 0; round < 5; round++) {
      String resource = "race-" + round;
      AtomicInteger next = new AtomicInteger();
      List<Optional<Lease>> results = runConcurrently(racers, () -> fixture().anotherStore()
          .acquireLease("races", resource, "node-" + next.getAndIncrement(), LONG));

      assertThat(results.stream().filter(Optional::isPresent).count())
          .as("winners of round %d", round).isEqualTo(1);
    }
  }

  /** Contract: groups are kept apart and leases are listed by resource. */
  @Test
  @DisplayName("groups are kept apart and leases are listed by resource")
  default void groupsApart() {
    ProjectionStore store = fixture().store();
    store.acquireLease("alpha", "p2", "node-a", LONG).orElseThrow();
    store.acquireLease("alpha", "p10", "node-b", LONG).orElseThrow();
    store.acquireLease("alpha", "node:x", "node-x", LONG).orElseThrow();
    store.acquireLease("beta", "p2", "node-c", LONG).orElseThrow();

    assertThat(store.leases("alpha")).extracting(Lease::resource).containsExactly("node:x", "p10", "p2");
    assertThat(store.leases("beta")).extracting(Lease::owner).containsExactly("node-c");
    assertThat(store.leases("gamma")).isEmpty();
  }

  /** Contract: bad names and times are refused with IllegalArgumentException naming them. */
  @Test
  @DisplayName("bad names and times are refused with IllegalArgumentException naming them")
  default void badArgumentsRefused() {
    ProjectionStore store = fixture().store();

    assertThatThrownBy(() -> store.acquireLease("a b", "p0", "n", LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease group");
    assertThatThrownBy(() -> store.acquireLease("g", "", "n", LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease resource");
    assertThatThrownBy(() -> store.acquireLease("g", "p0", "n\n", LONG))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease owner");
    assertThatThrownBy(() -> store.acquireLease("g", "p0", "n", Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time to live");
    assertThatThrownBy(() -> store.acquireLease("g", "p0", null, LONG))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("owner");
  }
}
