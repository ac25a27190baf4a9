package io.orchestrix.projection.examples.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.examples.workload.OrderSummaryDocument.Status;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkloadProjectionTest {

  @ParameterizedTest(name = "N = {0}: {1} documents, Σ items {2}, Σ total {3}")
  @CsvSource({
      "50000, 10000, 90000, 4514098.00",
      "200000, 40000, 360000, 18152215.00"})
  void theProjectedReadModelAddsUpToTheWorkloadTable(
      int events, long orders, long itemCount, BigDecimal totalAmount) {
    ProjectionEngine engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), 1_000);

    WorkloadRunner.Result result =
        WorkloadRunner.run(engine, StandardWorkload.of(events).toList(), 1_000, checkpoint -> { });
    ReadModelDigest digest = ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));

    assertThat(result.eventsApplied()).isEqualTo(events);
    assertThat(result.toCheckpoint()).isEqualTo(events);
    assertThat(digest.documents()).isEqualTo(orders);
    assertThat(digest.itemCount()).isEqualTo(itemCount);
    assertThat(digest.totalAmount()).isEqualTo(totalAmount);
    assertThat(engine.readModel(OrderSummaryDocument.READ_MODEL).findBy("status", "SHIPPED"))
        .hasSize((int) orders);
  }

  @Test
  void eachOrderEndsShippedWithItsCustomerCarrierItemsAndExactTotal() {
    ProjectionEngine engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), 500);
    WorkloadRunner.run(engine, StandardWorkload.of(10_000).toList(), 500, checkpoint -> { });

    // order 143: customer 1; items (k = 0, 1, 2) qty 4, 5, 1 at 45.33, 45.50, 45.67; USPS
    BigDecimal total = new BigDecimal("454.49");
    assertThat(engine.readModel(OrderSummaryDocument.READ_MODEL).findById("order-143")).contains(
        new OrderSummaryDocument("order-143", "cust-1", "Customer 1", Status.SHIPPED, 10, total,
            "USPS", "TRK-143"));
    assertThat(engine.readModel(OrderSummaryDocument.READ_MODEL).findBy("customer_id", "cust-1"))
        .extracting(OrderSummaryDocument::orderId)
        .containsExactly("order-1143", "order-143");
  }

  @Test
  void theDigestIsTheSameWhateverTheBatchSizeAndAfterAResumeFromTheCheckpoint() {
    var events = StandardWorkload.of(20_000).toList();
    ProjectionEngine inOneGo = WorkloadProjection.engine(new InMemoryProjectionStateStore(), 1_000);
    WorkloadRunner.run(inOneGo, events, 1_000, checkpoint -> { });

    InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
    WorkloadRunner.run(WorkloadProjection.engine(store, 7), events.subList(0, 8_888), 7,
        checkpoint -> { });
    WorkloadRunner.Result resumed =
        WorkloadRunner.run(WorkloadProjection.engine(store, 333), events, 333, checkpoint -> { });

    assertThat(resumed.fromCheckpoint()).isEqualTo(8_888);
    assertThat(resumed.eventsApplied()).isEqualTo(20_000 - 8_888);
    assertThat(ReadModelDigest.of(WorkloadProjection.engine(store, 1)
            .readModel(OrderSummaryDocument.READ_MODEL)))
        .isEqualTo(ReadModelDigest.of(inOneGo.readModel(OrderSummaryDocument.READ_MODEL)));
  }

  @Test
  void aPipelinedRunBuildsTheSameReadModelAndReportsEveryCommit() {
    var events = StandardWorkload.of(20_000).toList();
    ProjectionEngine batchByBatch = WorkloadProjection.engine(new InMemoryProjectionStateStore(), 1_000);
    WorkloadRunner.run(batchByBatch, events, 1_000, checkpoint -> { });
    InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
    WorkloadRunner.run(WorkloadProjection.engine(store, 1_000), events.subList(0, 3_000), 1_000,
        checkpoint -> { });
    List<Long> committed = new CopyOnWriteArrayList<>();

    ProjectionEngine pipelined = WorkloadProjection.engine(store, 1_000);
    WorkloadRunner.Result result =
        WorkloadRunner.runPipelined(pipelined, events, 1_000, committed::add);

    assertThat(result.fromCheckpoint()).isEqualTo(3_000);
    assertThat(result.eventsApplied()).isEqualTo(17_000);
    assertThat(result.toCheckpoint()).isEqualTo(20_000);
    assertThat(committed).hasSize(17).endsWith(20_000L);
    assertThat(ReadModelDigest.of(pipelined.readModel(OrderSummaryDocument.READ_MODEL)))
        .isEqualTo(ReadModelDigest.of(batchByBatch.readModel(OrderSummaryDocument.READ_MODEL)));
  }

  @Test
  void aSecondRunOfTheSameStreamAppliesNothingAndKeepsTheDigest() {
    InMemoryProjectionStateStore store = new InMemoryProjectionStateStore();
    var events = StandardWorkload.of(5_000).toList();
    ProjectionEngine engine = WorkloadProjection.engine(store, 1_000);
    WorkloadRunner.run(engine, events, 1_000, checkpoint -> { });
    ReadModelDigest first = ReadModelDigest.of(engine.readModel(OrderSummaryDocument.READ_MODEL));

    ProjectionEngine again = WorkloadProjection.engine(store, 1_000);
    WorkloadRunner.Result second = WorkloadRunner.run(again, events, 1_000, checkpoint -> { });

    assertThat(second.eventsApplied()).isZero();
    assertThat(second.fromCheckpoint()).isEqualTo(5_000);
    assertThat(ReadModelDigest.of(again.readModel(OrderSummaryDocument.READ_MODEL)))
        .isEqualTo(first);
  }

  @Test
  void theDigestIgnoresTheOrderDocumentsArriveInAndSeesEveryChange() {
    ProjectionEngine engine = WorkloadProjection.engine(new InMemoryProjectionStateStore(), 1_000);
    WorkloadRunner.run(engine, StandardWorkload.of(5_000).toList(), 1_000, checkpoint -> { });
    List<OrderSummaryDocument> documents =
        new ArrayList<>(engine.readModel(OrderSummaryDocument.READ_MODEL).streamAll().toList());
    ReadModelDigest stored = ReadModelDigest.of(documents.stream());

    Collections.shuffle(documents, new Random(1));
    ReadModelDigest shuffled = ReadModelDigest.of(documents.stream());
    OrderSummaryDocument one = documents.get(0);
    documents.set(0, new OrderSummaryDocument(one.orderId(), one.customerId(), one.customerName(),
        one.status(), one.itemCount(), one.totalAmount().add(new BigDecimal("0.01")), one.carrier(),
        one.tracking()));
    ReadModelDigest changed = ReadModelDigest.of(documents.stream());

    assertThat(shuffled).isEqualTo(stored);
    assertThat(changed.sha256()).isNotEqualTo(stored.sha256());
    assertThat(new OrderSummaryDocument("o", "c", "n", Status.CREATED, 0, new BigDecimal("12.5"),
        null, null).canonical()).isEqualTo("o|c|n|CREATED|0|12.50||");
  }
}
