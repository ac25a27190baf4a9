package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.ContractSupport.runConcurrently;
import static io.orchestrix.projection.tck.StoreFixtures.contents;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.grouped;
import static io.orchestrix.projection.tck.StoreFixtures.order;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.stateAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.tck.StoreFixtures.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The partitions of a projection commit under keys of their own, and a document belongs to the
 * partition that wrote it: another partition's put or delete of it is refused whole, also when both
 * create it at the same moment, and a partition's reset deletes only its own documents.
 */
public interface PartitionContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** The partitioned projection of these tests. */
  String PARTITIONED = "partitioned";

  /**
   * The key of a partition of {@link #PARTITIONED}.
   *
   * @param partition the partition's number, 0 or more
   * @return the partition's key
   */
  static String key(int partition) {
    return ProjectionIds.partitionKey(PARTITIONED, partition);
  }

  /**
   * A commit of one partition moving its checkpoint from {@code from} to {@code to}.
   *
   * @param partition the partition's number, 0 or more
   * @param token the partition writer's fencing token
   * @param from the partition's checkpoint the writer started from
   * @param to the new checkpoint
   * @param changes the document changes
   * @return the commit, carrying the partition
   */
  static Commit partitionCommit(int partition, long token, long from, long to, List<Change> changes) {
    return Commit.batch(token, from, stateAt(key(partition), to), grouped(changes)).inPartition(partition);
  }

  /** Contract: each partition keeps its own checkpoint and writer token under its key. */
  @Test
  @DisplayName("each partition keeps its own checkpoint and writer token under its key")
  default void partitionsCommitApart() {
    ProjectionStore store = fixture().store();
    long token0 = store.claimWriter(key(0));
    long token1 = store.claimWriter(key(1));

    store.commit(partitionCommit(0, token0, 0, 7, List.of(put("orders", order("o-0", "NEW", "c", 1, 7)))));
    store.commit(partitionCommit(1, token1, 0, 9, List.of(put("orders", order("o-1", "NEW", "c", 1, 9)))));

    assertThat(store.loadState(key(0)).orElseThrow().lastProcessedPosition()).isEqualTo(7);
    assertThat(store.loadState(key(1)).orElseThrow().lastProcessedPosition()).isEqualTo(9);
    assertThat(store.loadState(PARTITIONED)).as("the projection's own key").isEmpty();
    assertThat(contents(fixture().anotherStore(), "orders")).containsOnlyKeys("o-0", "o-1");
  }

  /**
   * Contract: a put or delete of another partition's document is refused whole, naming the document
   * and both partitions.
   */
  @Test
  @DisplayName("a put or delete of another partition's document is refused whole, naming the document and both partitions")
  default void otherPartitionsDocumentRefused() {
    ProjectionStore store = fixture().store();
    long token0 = store.claimWriter(key(0));
    long token1 = store.claimWriter(key(1));
    store.commit(partitionCommit(0, token0, 0, 5, List.of(put("orders", order("shared", "NEW", "c", 1, 5)))));
    Map<String, Map<String, Object>> before = contents(store, "orders");

    Throwable put = catchThrowable(() -> store.commit(partitionCommit(1, token1, 0, 6, List.of(
        put("orders", order("mine", "NEW", "c", 1, 6)), put("orders", order("shared", "PAID", "c", 2, 6))))));
    Throwable deleted = catchThrowable(() -> store.commit(partitionCommit(1, token1, 0, 6, List.of(
        put("orders", order("mine", "NEW", "c", 1, 6)), delete("orders", "shared")))));

    for (Throwable refused : List.of(put, deleted)) {
      assertThat(refused).isInstanceOf(PartitionConflictException.class)
          .hasMessageContaining("'shared'").hasMessageContaining("partition 0")
          .hasMessageContaining("partition 1");
      PartitionConflictException conflict = (PartitionConflictException) refused;
      assertThat(conflict.readModel()).isEqualTo("orders");
      assertThat(conflict.documentId()).isEqualTo("shared");
      assertThat(conflict.writtenBy()).isZero();
      assertThat(conflict.refusedPartition()).isEqualTo(1);
    }
    assertThat(contents(fixture().anotherStore(), "orders")).as("nothing of the refused commits")
        .isEqualTo(before);
    assertThat(store.loadState(key(1)).orElseThrow().lastProcessedPosition()).isZero();
  }

  /** Contract: a partition rewrites and deletes its own documents. */
  @Test
  @DisplayName("a partition rewrites and deletes its own documents")
  default void ownDocumentsWritable() {
    ProjectionStore store = fixture().store();
    long token = store.claimWriter(key(2));
    store.commit(partitionCommit(2, token, 0, 1, List.of(put("orders", order("a", "NEW", "c", 1, 1)),
        put("orders", order("b", "NEW", "c", 1, 1)))));

    store.commit(partitionCommit(2, token, 1, 2, List.of(put("orders", order("a", "PAID", "c", 2, 2)),
        delete("orders", "b"))));

    assertThat(contents(store, "orders")).containsOnlyKeys("a");
  }

  /**
   * Contract: of two partitions creating the same document at the same moment, exactly one
   * succeeds.
   *
   * @throws Exception if a committing thread fails otherwise or is interrupted
   */
  @Test
  @DisplayName("of two partitions creating the same document at the same moment, exactly one succeeds")
  default void concurrentCreationHasOneWinner() throws Exception {
    ProjectionStore first = fixture().anotherStore();
    ProjectionStore second = fixture().anotherStore();
    long[] tokens = {first.claimWriter(key(0)), second.claimWriter(key(1))};
    ProjectionStore[] stores = {first, second};
    long[] positions = new long[2];
    int rounds = 20;
    for (int round = 1; round <= rounds; round++) {
      String id = "race-" + round;
      AtomicInteger next = new AtomicInteger();
      long position = round;
      List<Boolean> won = runConcurrently(2, () -> {
        int partition = next.getAndIncrement();
        try {
          stores[partition].commit(partitionCommit(partition, tokens[partition], positions[partition],
              position, List.of(put("orders", order(id, "P" + partition, "c", partition, position)))));
          positions[partition] = position;
          return true;
        } catch (PartitionConflictException refused) {
          return false;
        }
      });
      assertThat(won).as("round %d", round).containsExactlyInAnyOrder(true, false);
    }
    assertThat(contents(fixture().store(), "orders")).hasSize(rounds);
  }

  /** Contract: a reset of one partition deletes only the documents that partition wrote. */
  @Test
  @DisplayName("a reset of one partition deletes only the documents that partition wrote")
  default void partitionResetDeletesItsOwn() {
    ProjectionStore store = fixture().store();
    long token0 = store.claimWriter(key(0));
    long token1 = store.claimWriter(key(1));
    store.commit(partitionCommit(0, token0, 0, 3, List.of(put("orders", order("zero-a", "NEW", "c", 1, 3)),
        put("orders", order("zero-b", "NEW", "c", 1, 3)), put("notes", order("zero-n", "NEW", "c", 1, 3)))));
    store.commit(partitionCommit(1, token1, 0, 4, List.of(put("orders", order("one-a", "NEW", "c", 1, 4)))));

    store.commit(Commit.reset(token0, 3, stateAt(key(0), 0), Set.of("orders", "notes")).inPartition(0));

    ProjectionStore reader = fixture().anotherStore();
    assertThat(contents(reader, "orders")).containsOnlyKeys("one-a");
    assertThat(contents(reader, "notes")).isEmpty();
    assertThat(reader.loadState(key(0)).orElseThrow().lastProcessedPosition()).isZero();
    assertThat(reader.loadState(key(1)).orElseThrow().lastProcessedPosition()).isEqualTo(4);
    assertThat(reader.findByIndex("orders", "status", "NEW")).extracting(d -> d.id())
        .containsExactly("one-a");
  }

  /**
   * Contract: a partition may take over a document written by a commit that was not partitioned.
   */
  @Test
  @DisplayName("a partition may take over a document written by a commit that was not partitioned")
  default void unpartitionedDocumentsTakenOver() {
    ProjectionStore store = fixture().store();
    ContractSupport.seed(store, "orders", List.of(order("old", "NEW", "c", 1, 1)));
    long token = store.claimWriter(key(3));

    store.commit(partitionCommit(3, token, 0, 2, List.of(put("orders", order("old", "PAID", "c", 2, 2)))));

    List<String> ids = new ArrayList<>(contents(store, "orders").keySet());
    assertThat(ids).containsExactly("old");
  }
}
