package io.orchestrix.projection.core.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.NodeStatus;
import io.orchestrix.projection.PartitionStatus;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionStatus;
import io.orchestrix.projection.ProjectionStatus.RunState;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.Lease;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shares the partitions of one projection among the nodes that run it, through leases in the
 * projection's own store: no other infrastructure. Every third of the lease time it renews this
 * node's heartbeat (group {@code <projection>#nodes}), renews the leases of the partitions it owns
 * (group {@code <projection>}, resources {@code p0 .. p<P-1>}), hands over partitions above its fair
 * share (P divided by the live nodes, rounded up) after their batch in flight, and takes free or
 * expired ones up to its share. Each partition it owns runs on a {@link TrackingWorker} of its own,
 * which claims the partition's writer token, so the store fences whoever wrote it before: a node that
 * paused past its lease commits nothing more. Expiry is judged by the store's clock only.
 *
 * <p>With one partition this is active/standby: one node processes, the others report
 * {@link RunState#STANDBY} and take over within the lease time once it is gone. Thread-safe: its own
 * thread does the work; the other methods may be called from any thread.
 */
public final class PartitionCoordinator implements ProjectionWorker {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionCoordinator.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  private final String projectionId;
  private final String node;
  private final ProjectionStore store;
  private final List<DefaultProjectionEngine> partitions;
  private final ProjectionOperations operations;
  private final Duration leaseTime;
  private final List<WorkerStatus> statuses;
  private final WorkerControl control;
  private final PartitionWorkers workers;
  private final RebalanceCounters rebalances;
  private volatile List<Lease> leases = List.of();
  private volatile List<Lease> nodes = List.of();
  private volatile long[] storedPositions;

  private PartitionCoordinator(ProjectionEngine engine, List<DefaultProjectionEngine> partitions,
      ProjectionStore store, String node, Duration leaseTime, EventSource source,
      RunnerSettings settings, @Nullable MeterRegistry registry) {
    this.projectionId = engine.projectionId();
    this.partitions = partitions;
    this.operations = engine.operations();
    this.store = store;
    this.node = node;
    this.leaseTime = leaseTime;
    List<WorkerStatus> made = new ArrayList<>();
    for (int partition = 0; partition < partitions.size(); partition++) {
      WorkerStatus status = new WorkerStatus(projectionId,
          partitions.size() == 1 ? Commit.UNPARTITIONED : partition, settings.clock(), registry);
      status.state(RunState.STANDBY);
      made.add(status);
    }
    this.statuses = List.copyOf(made);
    this.workers = new PartitionWorkers(partitions, source, settings, statuses);
    this.rebalances = new RebalanceCounters(projectionId, registry);
    this.storedPositions = new long[partitions.size()];
    this.control = new WorkerControl("projection-" + projectionId + "-coordinator", null);
  }

  /**
   * A coordinator for an engine of this library, on the engine's own store.
   *
   * @throws IllegalArgumentException if the engine was not built by {@code Projections.engine}
   */
  public static PartitionCoordinator create(ProjectionEngine engine, String node, Duration leaseTime,
      EventSource source, RunnerSettings settings, @Nullable MeterRegistry registry) {
    List<DefaultProjectionEngine> partitions;
    if (engine instanceof PartitionedProjectionEngine partitioned) {
      partitions = partitioned.partitionEngines();
    } else if (engine instanceof DefaultProjectionEngine single) {
      partitions = List.of(single);
    } else {
      throw new IllegalArgumentException("projection: a runner runs engines built by"
          + " Projections.engine(...), not " + engine.getClass().getName());
    }
    ProjectionStore store = partitions.get(0).writerSession().store();
    return new PartitionCoordinator(engine, partitions, store, node, leaseTime, source, settings,
        registry);
  }

  @Override
  public String projectionId() {
    return projectionId;
  }

  @Override
  public void start() {
    control.start(this::run);
  }

  @Override
  public void requestStop() {
    control.requestStop();
  }

  /** Waits for the coordinator to stop; it stops its workers and gives up its leases first. */
  @Override
  public void join(Duration timeout) {
    control.join(timeout);
  }

  @Override
  public void pause() {
    workers.pause();
    statuses.forEach(status -> status.state(RunState.PAUSED));
  }

  @Override
  public void resume() {
    workers.resume();
  }

  /**
   * Runs an operator's action on the whole projection while this node's workers are stopped, and
   * starts them again from the state the action left. The action claims every partition, fencing
   * whichever node owns it; the workers of other nodes end and are started again by their
   * coordinators in the same way.
   */
  @Override
  public void whilePaused(Consumer<ProjectionOperations> operation) {
    workers.whileStopped(() -> operation.accept(operations), STOP_TIMEOUT,
        control::isStopRequested);
  }

  /**
   * Waits until every partition, whoever owns it, has processed the position: this node's partitions
   * by their workers' status, the others by their checkpoints in the store.
   */
  @Override
  public boolean awaitPosition(long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean reached = true;
      for (int partition = 0; partition < partitions.size() && reached; partition++) {
        reached = position(partition, true) >= target;
      }
      if (reached) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(20);
    }
  }

  private long position(int partition, boolean askStore) {
    if (workers.owns(partition)) {
      return statuses.get(partition).position();
    }
    if (askStore) {
      try {
        String key = partitions.get(partition).writerSession().writerKey();
        long stored = store.loadState(key).map(ProjectionState::lastProcessedPosition).orElse(0L);
        storedPositions[partition] = stored;
        return stored;
      } catch (ProjectionException e) {
        LOG.debug("reading the checkpoint of partition {} failed: {}", partition, e.toString());
      }
    }
    return storedPositions[partition];
  }

  /** The projection as this node sees it: its own partitions' states, and every checkpoint. */
  @Override
  public ProjectionStatus status() {
    List<PartitionStatus> parts = partitions();
    List<ProjectionStatus> mine = new ArrayList<>();
    long position = Long.MAX_VALUE;
    for (PartitionStatus part : parts) {
      position = Math.min(position, part.position());
      if (part.ownedHere()) {
        mine.add(statuses.get(part.partition()).snapshot());
      }
    }
    RunState idle = !control.isAlive() ? RunState.STOPPED : workers.isPaused() ? RunState.PAUSED
        : RunState.STANDBY;
    return StatusSummary.of(projectionId, position, mine, idle,
        parts.stream().allMatch(PartitionStatus::healthy));
  }

  /** Each partition: owner, lease, state and position; never asks the store. */
  public List<PartitionStatus> partitions() {
    Map<String, Lease> byResource = new HashMap<>();
    leases.forEach(lease -> byResource.put(lease.resource(), lease));
    List<PartitionStatus> all = new ArrayList<>(partitions.size());
    for (int partition = 0; partition < partitions.size(); partition++) {
      Lease lease = byResource.get(resource(partition));
      boolean held = lease != null && !lease.expired();
      boolean here = workers.owns(partition);
      ProjectionStatus status = statuses.get(partition).snapshot();
      all.add(new PartitionStatus(partition, held ? lease.owner() : null,
          held ? lease.expiresAt() : null, here, here ? status.state() : RunState.STANDBY,
          position(partition, false), !here || status.healthy(), status.lastError()));
    }
    return all;
  }

  /** The nodes whose heartbeat was last seen in the store. */
  public List<NodeStatus> nodes() {
    return nodes.stream().map(lease -> new NodeStatus(lease.owner(), lease.expiresAt(),
        !lease.expired())).toList();
  }

  // ---- the coordinator's thread

  private void run() {
    try {
      while (true) {
        WorkerControl.Next next = control.next();
        if (next == WorkerControl.Next.STOP) {
          return;
        }
        tick();
        control.sleep(leaseTime.dividedBy(3));
      }
    } finally {
      handOverAll();
      control.ended();
    }
  }

  private void tick() {
    try {
      store.acquireLease(nodesGroup(), node, node, leaseTime);
      nodes = store.leases(nodesGroup());
      long alive = Math.max(1, nodes.stream().filter(lease -> !lease.expired()).count());
      int share = (int) ((partitions.size() + alive - 1) / alive);
      renewOwned();
      leases = store.leases(projectionId);
      int owned = workers.owned().size();
      if (owned > share) {
        List<Integer> mine = workers.owned();
        for (int i = mine.size() - 1; i >= share; i--) {
          handOver(mine.get(i));
        }
      } else if (owned < share) {
        takeFree(share - owned);
      }
      giveUpRejected();
      leases = store.leases(projectionId);
      for (int partition = 0; partition < partitions.size(); partition++) {
        if (!workers.owns(partition)) {
          position(partition, true);
        } else {
          restartIfMovedBack(partition);
        }
      }
    } catch (ProjectionException e) {
      // the workers go on: the store fences them if their leases pass to another node meanwhile
      LOG.warn("projection '{}' on node '{}': the leases could not be renewed or read; trying again"
          + " in {}: {}", projectionId, node, leaseTime.dividedBy(3), e.getMessage());
    }
  }

  private void renewOwned() {
    for (int partition : workers.owned()) {
      Optional<Lease> renewed = store.acquireLease(projectionId, resource(partition), node, leaseTime);
      if (renewed.isEmpty()) {
        LOG.warn("projection '{}': node '{}' lost the lease of partition {} to another node",
            projectionId, node, partition);
        rebalances.lost();
        stopWorker(partition, Duration.ZERO);
      } else if (!workers.isRunning(partition) && !control.isStopRequested()) {
        workers.start(partition);
      }
    }
  }

  /**
   * Starts a partition's worker afresh if its stored checkpoint is behind what the worker believes:
   * an operator on another node reset it, and a worker with nothing to commit would not find out.
   */
  private void restartIfMovedBack(int partition) {
    long believed = statuses.get(partition).position();
    String key = partitions.get(partition).writerSession().writerKey();
    long stored = store.loadState(key).map(ProjectionState::lastProcessedPosition).orElse(0L);
    if (stored < believed) {
      LOG.info("projection '{}': the checkpoint of partition {} was moved back to {} by another"
          + " writer; its worker starts again from there", projectionId, partition, stored);
      stopWorker(partition, STOP_TIMEOUT);
      if (!control.isStopRequested()) {
        workers.start(partition);
      }
    }
  }

  private void takeFree(int wanted) {
    Map<String, Lease> byResource = new HashMap<>();
    leases.forEach(lease -> byResource.put(lease.resource(), lease));
    int offset = Math.floorMod(node.hashCode(), partitions.size());
    for (int i = 0; i < partitions.size() && wanted > 0; i++) {
      int partition = (offset + i) % partitions.size();
      Lease lease = byResource.get(resource(partition));
      if (workers.owns(partition) || (lease != null && !lease.expired())) {
        continue;
      }
      if (store.acquireLease(projectionId, resource(partition), node, leaseTime).isPresent()) {
        LOG.info("projection '{}': node '{}' takes partition {}", projectionId, node, partition);
        rebalances.acquired();
        if (!workers.start(partition)) {
          return;
        }
        wanted--;
      }
    }
  }

  private void stopWorker(int partition, Duration timeout) {
    Long last = workers.stop(partition, timeout);
    if (last != null) {
      storedPositions[partition] = last;
    }
  }

  /** Lets a partition's batch in flight finish, then gives its lease up for another node. */
  private void handOver(int partition) {
    LOG.info("projection '{}': node '{}' hands partition {} over", projectionId, node, partition);
    stopWorker(partition, STOP_TIMEOUT);
    releaseLease(partition);
  }

  /** Gives up the leases of the partitions whose worker the runner's executor rejected. */
  private void giveUpRejected() {
    for (int partition : workers.takeRejected()) {
      LOG.warn("projection '{}': node '{}' gives partition {} up: {}", projectionId, node, partition,
          statuses.get(partition).snapshot().lastError());
      releaseLease(partition);
    }
  }

  private void releaseLease(int partition) {
    rebalances.released();
    try {
      store.releaseLease(projectionId, resource(partition), node);
    } catch (ProjectionException e) {
      LOG.warn("projection '{}': releasing partition {} failed; it passes on when its lease expires:"
          + " {}", projectionId, partition, e.getMessage());
    }
  }

  private void handOverAll() {
    for (int partition : workers.owned()) {
      handOver(partition);
    }
    giveUpRejected();
    try {
      store.releaseLease(nodesGroup(), node, node);
    } catch (ProjectionException e) {
      LOG.debug("releasing the heartbeat of node '{}' failed: {}", node, e.toString());
    }
    statuses.forEach(status -> status.state(RunState.STOPPED));
  }

  private String nodesGroup() {
    return projectionId + "#nodes";
  }

  private static String resource(int partition) {
    return "p" + partition;
  }
}
