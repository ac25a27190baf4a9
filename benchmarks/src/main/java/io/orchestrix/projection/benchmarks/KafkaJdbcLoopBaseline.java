package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.examples.kafka.WorkloadRecords;
import io.orchestrix.projection.examples.workload.ReadModelDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The hand-written Kafka to PostgreSQL loop: one consumer of a group polls the workload's topic (all
 * of its partitions), applies each poll's events to the {@link OrderSummaryTable} with JDBC batches
 * as {@link JdbcLoopBaseline} does, and writes each polled partition's next offset into an offsets
 * table in the same transaction, so read model and offsets commit together (exactly-once effect,
 * the pattern of Akka Projections' exactly-once Kafka to JDBC projection). Offsets are never
 * committed to Kafka: on assignment the consumer seeks to the offsets stored in PostgreSQL (the
 * beginning where none are stored). A run ends when the stored offset of every partition reaches the
 * partition's end offset as it was when the run began.
 *
 * <p>Each poll is applied and committed before the next poll, on the polling thread, so no batch is
 * in flight when the group takes a partition away (revocation and loss happen inside
 * {@code poll}). Not thread-safe.
 */
final class KafkaJdbcLoopBaseline implements AutoCloseable {

  /** The table prefix of the command; tests use their own. */
  static final String DEFAULT_PREFIX = "bench_kafka_loop_";
  /** The projection id in the offsets table, and the consumer group. */
  static final String PROJECTION_ID = "order-summary-kafka-loop";

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final Duration IDLE_LIMIT = Duration.ofSeconds(60);

  private final String bootstrapServers;
  private final String topic;
  private final int maxPollRecords;
  private final OrderSummaryTable table;
  private final String offsets;
  private final Connection connection;

  /**
   * What a run did.
   *
   * @param eventsApplied events applied and committed
   * @param nanos from {@code subscribe} to the commit that reached the end offsets
   * @param assignedAfterNanos from {@code subscribe} to the first assignment (joining the group)
   * @param commits transactions committed, one per non-empty poll
   * @param pollNanos time inside {@code poll} (fetching, and joining the group)
   * @param writeNanos time decoding records and executing the statements, before the commit
   * @param commitNanos time in {@code Connection.commit} (the server's fsync)
   */
  record Run(long eventsApplied, long nanos, long assignedAfterNanos, long commits, long pollNanos,
      long writeNanos, long commitNanos) {
    double eventsPerSecond() {
      return nanos == 0 ? 0 : eventsApplied * 1e9 / nanos;
    }
  }

  KafkaJdbcLoopBaseline(String jdbcUrl, String tablePrefix, String bootstrapServers, String topic,
      int maxPollRecords) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.maxPollRecords = maxPollRecords;
    this.table = new OrderSummaryTable(tablePrefix + "order_summary");
    this.offsets = tablePrefix + "offsets";
    try {
      connection = DriverManager.getConnection(JdbcLoopBaseline.withRewrittenInserts(jdbcUrl));
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        table.create(statement);
        statement.execute("CREATE TABLE IF NOT EXISTS " + offsets + " (projection_id text NOT NULL,"
            + " topic text NOT NULL, partition_id int NOT NULL, next_offset bigint NOT NULL,"
            + " PRIMARY KEY (projection_id, topic, partition_id))");
      }
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("Kafka JDBC loop: cannot prepare its tables: " + e, e);
    }
  }

  /** Empties the read model and the stored offsets; not timed. */
  void reset() {
    try (Statement statement = connection.createStatement()) {
      statement.execute("TRUNCATE " + table.name() + ", " + offsets);
      connection.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("Kafka JDBC loop: reset failed: " + e, e);
    }
  }

  /**
   * Consumes from the stored offsets to the end offsets and times it.
   *
   * @throws IllegalStateException if a statement fails, or no record arrives for 60 s before the end
   */
  Run run() {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig(),
            new StringDeserializer(), new ByteArrayDeserializer());
        OrderSummaryTable.Batch statements = table.prepare(connection);
        PreparedStatement saveOffset = connection.prepareStatement("INSERT INTO " + offsets
            + " (projection_id, topic, partition_id, next_offset) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT (projection_id, topic, partition_id)"
            + " DO UPDATE SET next_offset = EXCLUDED.next_offset")) {
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions(consumer));
      Map<TopicPartition, Long> stored = new HashMap<>();
      long started = System.nanoTime();
      long assignedAt = 0;
      long applied = 0;
      long commits = 0;
      long lastRecordAt = started;
      long pollNanos = 0;
      long writeNanos = 0;
      long commitNanos = 0;
      consumer.subscribe(List.of(topic), new SeekToStoredOffsets(consumer, stored));
      while (!reached(stored, end)) {
        long polling = System.nanoTime();
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
        long writing = System.nanoTime();
        pollNanos += writing - polling;
        if (assignedAt == 0 && !consumer.assignment().isEmpty()) {
          assignedAt = System.nanoTime();
        }
        if (records.isEmpty()) {
          failIfIdle(lastRecordAt, stored, end);
          continue;
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          statements.add(WorkloadRecords.decode(record));
        }
        statements.execute();
        Map<TopicPartition, Long> next = nextOffsets(consumer, records);
        for (Map.Entry<TopicPartition, Long> partition : next.entrySet()) {
          saveOffset.setString(1, PROJECTION_ID);
          saveOffset.setString(2, topic);
          saveOffset.setInt(3, partition.getKey().partition());
          saveOffset.setLong(4, partition.getValue());
          saveOffset.addBatch();
        }
        saveOffset.executeBatch();
        long committing = System.nanoTime();
        connection.commit();
        writeNanos += committing - writing;
        commitNanos += System.nanoTime() - committing;
        stored.putAll(next);
        applied += records.count();
        commits++;
        lastRecordAt = System.nanoTime();
      }
      long finished = System.nanoTime();
      return new Run(applied, finished - started, assignedAt == 0 ? 0 : assignedAt - started,
          commits, pollNanos, writeNanos, commitNanos);
    } catch (SQLException e) {
      rollbackQuietly(e);
      throw new IllegalStateException("Kafka JDBC loop: run failed: " + e, e);
    }
  }

  /** The digest of the read model as stored now. */
  ReadModelDigest digest() {
    try {
      return table.digest(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("Kafka JDBC loop: cannot read its table: " + e, e);
    }
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("Kafka JDBC loop: close failed: " + e, e);
    }
  }

  private Map<String, Object> consumerConfig() {
    return Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, PROJECTION_ID,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
  }

  private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
    return consumer.partitionsFor(topic).stream()
        .map(info -> new TopicPartition(info.topic(), info.partition()))
        .toList();
  }

  /**
   * The consumer's position in each polled partition: the offset after the last record returned,
   * and past any transaction marker that follows it, which {@code lastOffset + 1} would not be.
   */
  private static Map<TopicPartition, Long> nextOffsets(KafkaConsumer<String, byte[]> consumer,
      ConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, Long> next = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      next.put(partition, consumer.position(partition));
    }
    return next;
  }

  private static boolean reached(Map<TopicPartition, Long> stored, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
      Long offset = stored.get(partition.getKey());
      if (offset == null || offset < partition.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static void failIfIdle(long lastRecordAt, Map<TopicPartition, Long> stored,
      Map<TopicPartition, Long> end) {
    if (System.nanoTime() - lastRecordAt > IDLE_LIMIT.toNanos()) {
      throw new IllegalStateException("Kafka JDBC loop: no record for " + IDLE_LIMIT.toSeconds()
          + " s; stored offsets " + stored + ", end offsets " + end);
    }
  }

  private Map<Integer, Long> storedOffsets() {
    Map<Integer, Long> byPartition = new HashMap<>();
    try (PreparedStatement select = connection.prepareStatement("SELECT partition_id, next_offset"
        + " FROM " + offsets + " WHERE projection_id = ? AND topic = ?")) {
      select.setString(1, PROJECTION_ID);
      select.setString(2, topic);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          byPartition.put(rows.getInt(1), rows.getLong(2));
        }
      }
      connection.commit();
      return byPartition;
    } catch (SQLException e) {
      throw new IllegalStateException("Kafka JDBC loop: cannot read its offsets: " + e, e);
    }
  }

  private void rollbackQuietly(SQLException cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * Seeks each assigned partition to the offset stored in PostgreSQL, or to its beginning. Runs
   * inside {@code poll}, on the polling thread, between two committed transactions.
   */
  private final class SeekToStoredOffsets implements ConsumerRebalanceListener {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> stored;

    SeekToStoredOffsets(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> stored) {
      this.consumer = consumer;
      this.stored = stored;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Map<Integer, Long> offsetsByPartition = storedOffsets();
      List<TopicPartition> fresh = new ArrayList<>();
      for (TopicPartition partition : partitions) {
        Long offset = offsetsByPartition.get(partition.partition());
        if (offset == null) {
          fresh.add(partition);
        } else {
          consumer.seek(partition, offset);
          stored.put(partition, offset);
        }
      }
      if (!fresh.isEmpty()) {
        consumer.beginningOffsets(fresh).forEach((partition, beginning) -> {
          consumer.seek(partition, beginning);
          stored.put(partition, beginning);
        });
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // every polled record is committed before the next poll: nothing is in flight to finish
    }
  }
}
