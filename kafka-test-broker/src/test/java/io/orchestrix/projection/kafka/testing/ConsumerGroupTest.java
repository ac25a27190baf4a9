package io.orchestrix.projection.kafka.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two consumers of one group on the shared broker, each polled by a thread of its own (a consumer is
 * not thread-safe), under both group protocols that Kafka 4 offers.
 */
class ConsumerGroupTest {

  private static final int PARTITIONS = 4;
  private static final int PER_PARTITION = 10;

  @ParameterizedTest(name = "group protocol {0}")
  @ValueSource(strings = {"classic", "consumer"})
  void twoConsumersOfOneGroupSplitAFourPartitionTopicAndEachReadsOnlyItsOwnPartitions(
      String protocol) throws InterruptedException {
    KafkaTestBroker broker = KafkaTestBroker.shared();
    String topic = "group-split-" + protocol;
    broker.createTopic(topic, PARTITIONS);
    GroupMember first = new GroupMember(broker, topic, "split-" + protocol, protocol);
    GroupMember second = new GroupMember(broker, topic, "split-" + protocol, protocol);
    try {
      await().atMost(Clients.DEADLINE).until(() -> first.owned().size() == 2
          && second.owned().size() == 2 && union(first.owned(), second.owned()).size() == PARTITIONS);

      try (KafkaProducer<String, String> producer = Clients.producer(broker)) {
        for (int partition = 0; partition < PARTITIONS; partition++) {
          Clients.send(producer, topic, partition, Clients.values("p" + partition, PER_PARTITION));
        }
      }

      await().atMost(Clients.DEADLINE).until(
          () -> first.received() + second.received() == PARTITIONS * PER_PARTITION);
      assertThat(first.partitionsReceived()).isEqualTo(first.owned());
      assertThat(second.partitionsReceived()).isEqualTo(second.owned());
    } finally {
      first.close();
      second.close();
    }
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }

  /** One consumer and the thread that owns it; what it owns and receives is published to the test. */
  private static final class GroupMember implements AutoCloseable {
    private final AtomicReference<Set<Integer>> owned = new AtomicReference<>(Set.of());
    private final Map<Integer, Integer> receivedByPartition = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<KafkaConsumer<String, String>> consumer = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    GroupMember(KafkaTestBroker broker, String topic, String group, String protocol) {
      thread = new Thread(() -> run(broker, topic, group, protocol), "group-member-" + group);
      thread.start();
    }

    private void run(KafkaTestBroker broker, String topic, String group, String protocol) {
      try (KafkaConsumer<String, String> client = Clients.consumer(broker, group, protocol)) {
        consumer.set(client);
        client.subscribe(List.of(topic));
        while (running.get()) {
          for (ConsumerRecord<String, String> record : client.poll(Duration.ofMillis(100))) {
            receivedByPartition.merge(record.partition(), 1, Integer::sum);
          }
          Set<Integer> assignment = new HashSet<>();
          for (TopicPartition partition : client.assignment()) {
            assignment.add(partition.partition());
          }
          owned.set(Set.copyOf(assignment));
        }
      } catch (WakeupException closing) {
        // close() woke the consumer up to end the loop
      } catch (RuntimeException e) {
        failure.set(e);
      }
    }

    Set<Integer> owned() {
      if (failure.get() != null) {
        throw new AssertionError("a group member failed: " + failure.get(), failure.get());
      }
      return owned.get();
    }

    int received() {
      return receivedByPartition.values().stream().mapToInt(Integer::intValue).sum();
    }

    Set<Integer> partitionsReceived() {
      return Set.copyOf(receivedByPartition.keySet());
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      KafkaConsumer<String, String> client = consumer.get();
      if (client != null) {
        client.wakeup();
      }
      thread.join(Clients.DEADLINE.toMillis());
    }
  }
}
