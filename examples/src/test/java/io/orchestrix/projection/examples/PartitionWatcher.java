package io.orchestrix.projection.examples;

import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches a cluster's partitions from the test JVM: polls every partition's lease owner and stored
 * state every {@value #POLL_MILLIS} ms on a thread of its own, and keeps every change it sees. What
 * happens between two polls is not seen, so a time it reports is late by up to one poll. A poll that
 * fails (the store's connections killed by the test) is skipped. Thread-safe.
 */
final class PartitionWatcher implements AutoCloseable {

  static final int POLL_MILLIS = 20;

  /**
   * A partition as one poll saw it.
   *
   * @param seenAt when the poll read it
   * @param owner the holder of its unexpired lease, or "" if none
   * @param position its stored checkpoint
   * @param committedAt when its stored state was written (the committing node's clock, the same
   *     machine's)
   */
  record Sample(Instant seenAt, int partition, String owner, long position, Instant committedAt) {}

  private final MultiNodeCluster cluster;
  private final Thread thread;
  /** Guarded by itself. */
  private final List<Sample> samples = new ArrayList<>();
  private volatile boolean stopped;

  PartitionWatcher(MultiNodeCluster cluster) {
    this.cluster = cluster;
    this.thread = new Thread(this::run, "partition-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    Sample[] last = new Sample[cluster.partitions()];
    while (!stopped) {
      try {
        Map<Integer, String> owners = cluster.owners();
        for (int partition = 0; partition < last.length; partition++) {
          Optional<ProjectionState> state = cluster.state(partition);
          Sample sample = new Sample(Instant.now(), partition, owners.getOrDefault(partition, ""),
              state.map(ProjectionState::lastProcessedPosition).orElse(0L),
              state.map(ProjectionState::updatedAt).orElse(Instant.EPOCH));
          Sample previous = last[partition];
          if (previous == null || !previous.owner().equals(sample.owner())
              || previous.position() != sample.position()
              || !previous.committedAt().equals(sample.committedAt())) {
            synchronized (samples) {
              samples.add(sample);
            }
            last[partition] = sample;
          }
        }
      } catch (ProjectionException outage) {
        // the test killed the store's connections: poll again
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Every change seen so far, in the order seen. */
  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /**
   * The first commit of a partition seen with a state written after the instant by a node other than
   * {@code node}, and how long after the instant it was written.
   */
  Optional<Duration> firstCommitAfter(int partition, Instant instant, String node) {
    return samples().stream()
        .filter(s -> s.partition() == partition && s.committedAt().isAfter(instant)
            && !s.owner().isEmpty() && !s.owner().equals(node))
        .findFirst().map(s -> Duration.between(instant, s.committedAt()));
  }

  /** When a node other than {@code node} was first seen holding the partition's lease after the instant. */
  Optional<Duration> firstOwnedByAnotherAfter(int partition, Instant instant, String node) {
    return samples().stream()
        .filter(s -> s.partition() == partition && s.seenAt().isAfter(instant)
            && !s.owner().isEmpty() && !s.owner().equals(node))
        .findFirst().map(s -> Duration.between(instant, s.seenAt()));
  }

  /** The samples in which a partition's checkpoint was lower than in an earlier one. */
  List<String> checkpointsMovedBack() {
    List<String> moved = new ArrayList<>();
    long[] highest = new long[cluster.partitions()];
    for (Sample sample : samples()) {
      if (sample.position() < highest[sample.partition()]) {
        moved.add(sample + " after " + highest[sample.partition()]);
      }
      highest[sample.partition()] = Math.max(highest[sample.partition()], sample.position());
    }
    return moved;
  }

  @Override
  public void close() throws InterruptedException {
    // no interrupt: it could break the connection the poll is using, which the test uses next
    stopped = true;
    thread.join(10_000);
  }
}
