package io.orchestrix.projection.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.NodeStatus;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import io.orchestrix.projection.examples.workload.WorkloadProjection;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import io.orchestrix.projection.tck.TestServers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two runners in this JVM, as two nodes on PostgreSQL, each with its own store connection and engine
 * of the same partitioned projection: {@code awaitPosition} on one waits for the partitions the other
 * owns, reading their checkpoints from the store.
 */
class PartitionedRunnersTest {

  private static final int EVENTS = 10_000;
  private static final int PARTITIONS = 4;

  private String url = "";
  private String prefix = "";

  @BeforeEach
  void database() {
    url = TestServers.require(TestServers.Server.POSTGRES);
    prefix = JdbcClusters.uniquePrefix();
  }

  @AfterEach
  void dropTables() throws Exception {
    JdbcClusters.dropTables(url, prefix);
  }

  @Test
  void awaitPositionReturnsOnceEveryPartitionWhoeverOwnsItHasProcessedThePosition()
      throws Exception {
    Map<String, String> properties = Map.of("table-prefix", prefix);
    try (MultiNodeCluster cluster = JdbcClusters.cluster(url, prefix, EVENTS, PARTITIONS, 2);
         ProjectionStore storeA = ProjectionStoreProviders.open(url, properties);
         ProjectionStore storeB = ProjectionStoreProviders.open(url, properties);
         JdbcEventStore source = WorkloadEventStore.open(url, properties);
         ProjectionRunner a = runner(storeA, source, "a");
         ProjectionRunner b = runner(storeB, source, "b")) {
      cluster.appendUpTo(EVENTS / 2);
      a.start();
      b.start();
      await("both nodes own partitions").atMost(MultiNodeContract.RUN_TIMEOUT)
          .until(() -> cluster.ownedBy("a").size() == 2 && cluster.ownedBy("b").size() == 2);
      await("a sees b's leases").atMost(MultiNodeContract.RUN_TIMEOUT)
          .until(() -> a.partitions(WorkloadProjection.PROJECTION_ID).stream()
              .filter(p -> "b".equals(p.owner())).count() == 2);
      assertThat(a.awaitPosition(WorkloadProjection.PROJECTION_ID, EVENTS, Duration.ofMillis(300)))
          .as("half the events are appended").isFalse();

      cluster.appendUpTo(EVENTS);
      long head = source.headPosition();
      assertThat(a.awaitPosition(WorkloadProjection.PROJECTION_ID, head, Duration.ofMinutes(2)))
          .isTrue();

      for (int partition = 0; partition < PARTITIONS; partition++) {
        assertThat(cluster.position(partition)).as("stored checkpoint of partition %d", partition)
            .isGreaterThanOrEqualTo(head);
      }
      List<PartitionStatus> seenByA = a.partitions(WorkloadProjection.PROJECTION_ID);
      assertThat(seenByA).filteredOn(PartitionStatus::ownedHere).hasSize(2)
          .allMatch(p -> "a".equals(p.owner()));
      assertThat(seenByA).filteredOn(p -> !p.ownedHere()).hasSize(2)
          .allMatch(p -> "b".equals(p.owner()));
      assertThat(a.nodes(WorkloadProjection.PROJECTION_ID)).extracting(NodeStatus::node)
          .containsExactlyInAnyOrder("a", "b");
      assertThat("digest       " + ReadModelDigest.of(
          engine(storeA).readModel(OrderSummaryDocument.READ_MODEL)))
          .isEqualTo(cluster.referenceDigest());
    }
  }

  private static ProjectionRunner runner(ProjectionStore store, JdbcEventStore source,
      String node) {
    return ProjectionRunner.builder(source).projection(engine(store)).node(node)
        .leaseTime(Duration.ofSeconds(2)).batchSize(200).build();
  }

  private static ProjectionEngine engine(ProjectionStore store) {
    return WorkloadProjection.engine(store, 200, FailurePolicy.stop(), PARTITIONS);
  }
}
