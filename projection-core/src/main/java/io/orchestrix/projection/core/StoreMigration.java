package io.orchestrix.projection.core;

import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.core.StoreSwitchRefusedException.Reason;
import io.orchestrix.projection.core.internal.DocumentComparer;
import io.orchestrix.projection.core.internal.StoreSwitchMarker;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a projection's read models from one store (the source, which queries read now) to another
 * (the target) without downtime. The target is built by an engine of its own, with the same handlers,
 * from the event source, under its own checkpoint in the target store (so its build survives a crash
 * and, after the switch, it keeps following by itself); the source's engine keeps following meanwhile.
 * This object does not process events: the application runs both engines (a {@link ProjectionRunner}
 * each, say) and reads through {@link #readModel}.
 *
 * <p>{@link #switchReads} records, in the target store, that queries switch to it: one
 * compare-and-set commit, refused with {@link StoreSwitchRefusedException} unless the target has caught
 * up and, if asked, holds the same documents as the source. Every node reading through a migration on
 * the same two stores sees the record within one refresh interval (at once on a query that finds
 * nothing), and from then on reads the target only. The switch is one-way: the record is never removed
 * here, and the source is left as it was, for the operator to stop following and drop.
 *
 * <p>Both engines must run the projection under the same id and partitions, each on its side's store
 * (or another instance on the same data), and the two sides must hold different data; each side's
 * checkpoints and read models are those of its live generation. Thread-safe. Methods that read a store
 * raise {@link io.orchestrix.projection.StoreException} when it fails, with nothing switched, except
 * {@link #switched()} and the queries of {@link #readModel}, which keep reading the source while the
 * target cannot be read before the switch.
 */
public final class StoreMigration {

  /**
   * One side of a migration: a store and an engine running the projection on it.
   *
   * @param store the store; not null
   * @param engine the projection's engine on that store; not null
   */
  public record Side(ProjectionStore store, ProjectionEngine engine) {

    /**
     * Checks the components.
     *
     * @param store as described for the record above
     * @param engine as described for the record above
     * @throws NullPointerException if the store or the engine is null
     */
    public Side {
      Objects.requireNonNull(store, "store must not be null");
      Objects.requireNonNull(engine, "engine must not be null");
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(StoreMigration.class);

  private final Side source;
  private final Side target;
  private final String projectionId;
  private final DocumentComparer comparer;
  private final StoreSwitchMarker marker;
  private final long refreshNanos;
  private volatile boolean switched;
  private volatile long checkedAt;
  private volatile boolean checkedOnce;

  /**
   * @param source the store queries read now, and its engine; not null
   * @param target the store queries move to, and its engine; not null
   * @param readModels the read models to compare and read, as declared on both engines; not empty
   * @param refresh how often a node re-reads whether queries switched, positive; not null
   * @throws IllegalArgumentException if the engines run different projections or partitions, the two
   *     sides are one store, no read model is given, or the refresh is not positive
   */
  public StoreMigration(Side source, Side target, List<ReadModel<?>> readModels,
      Duration refresh) {
    this.source = Objects.requireNonNull(source, "source must not be null");
    this.target = Objects.requireNonNull(target, "target must not be null");
    Objects.requireNonNull(refresh, "refresh must not be null");
    this.projectionId = source.engine().projectionId();
    if (!projectionId.equals(target.engine().projectionId())) {
      throw new IllegalArgumentException("source engine runs projection '" + projectionId
          + "' but target engine runs '" + target.engine().projectionId() + "'");
    }
    if (source.engine().partitions() != target.engine().partitions()) {
      throw new IllegalArgumentException("source engine has " + source.engine().partitions()
          + " partitions but target engine has " + target.engine().partitions());
    }
    if (source.store() == target.store()) {
      throw new IllegalArgumentException("source and target are the same store object "
          + source.store().description() + "; use generations() to rebuild within one store");
    }
    if (readModels.isEmpty()) {
      throw new IllegalArgumentException("readModels must name at least one read model");
    }
    if (refresh.isNegative() || refresh.isZero()) {
      throw new IllegalArgumentException("refresh must be positive but was " + refresh);
    }
    readModels.forEach(readModel -> {
      source.engine().readModel(readModel);
      target.engine().readModel(readModel);
    });
    this.comparer = new DocumentComparer(readModels);
    this.marker = new StoreSwitchMarker(target.store(), projectionId, Clock.systemUTC());
    this.refreshNanos = refresh.toNanos();
  }

  /**
   * {@return the switch of a projection's queries to this store, as recorded by a {@link
   * StoreMigration} into it, or empty if none is}
   *
   * @param store the store a projection may have been moved into; not null
   * @param projectionId the projection; not null
   * @throws io.orchestrix.projection.StoreException if the store fails
   * @throws IllegalArgumentException if the projection id is invalid
   */
  public static Optional<StoreSwitch> recordedSwitch(ProjectionStore store, String projectionId) {
    ProjectionIds.requireValid(projectionId);
    return new StoreSwitchMarker(store, projectionId, Clock.systemUTC()).read()
        .map(made -> new StoreSwitch(made.projectionId(), made.from(), made.positions(),
            Instant.parse(made.switchedAt())));
  }

  /** {@return the projection being moved} */
  public String projectionId() {
    return projectionId;
  }

  /** {@return the two stores' checkpoints now, and whether queries switched} */
  public StoreMigrationProgress progress() {
    return new StoreMigrationProgress(positions(source), positions(target), switched());
  }

  /**
   * Compares the source's and the target's documents, read model by read model in the source store's
   * id order, provided both stand at the same position before and after the reading (a commit to
   * either while it reads makes the answer empty). One pass over both stores' documents.
   *
   * @param maxDifferences how many differing documents to list, 1 or more
   * @return the comparison, or empty if the two are not at the same position now
   * @throws IllegalArgumentException if {@code maxDifferences} is below 1
   */
  public Optional<StoreComparison> compare(int maxDifferences) {
    if (maxDifferences < 1) {
      throw new IllegalArgumentException("maxDifferences must be 1 or more but was "
          + maxDifferences);
    }
    return comparer.compare(comparable(source), comparable(target), maxDifferences)
        .map(result -> new StoreComparison(source.store().description(),
            target.store().description(), result.positions(), result.documents(),
            result.differing(), result.firstDifferences()));
  }

  /**
   * Switches the projection's queries to the target store, for every node, by recording the switch in
   * the target store in one commit. Idempotent: once switched, returns at once.
   *
   * @param maxLag how many positions the target may be behind the source, summed over partitions, 0
   *     or more
   * @param verify whether to {@linkplain #compare compare} first and switch only if both hold the same
   *     documents at the same position (a refusal lists the first 10 differing documents)
   * @return the comparison the switch was verified with; empty if not verified, or if queries had
   *     switched already
   * @throws StoreSwitchRefusedException if the target lags by more than {@code maxLag}, or (verified)
   *     the two are not at the same position or their documents differ; nothing was switched
   * @throws IllegalArgumentException if {@code maxLag} is negative
   */
  public Optional<StoreComparison> switchReads(long maxLag, boolean verify) {
    if (maxLag < 0) {
      throw new IllegalArgumentException("maxLag must not be negative but was " + maxLag);
    }
    StoreMigrationProgress progress = progress();
    if (progress.switched()) {
      return Optional.empty();
    }
    if (progress.lag() > maxLag) {
      throw new StoreSwitchRefusedException(projectionId, Reason.LAGGING, "target "
          + target.store().description() + " is " + progress.lag() + " positions behind source "
          + source.store().description() + " (checkpoints " + progress.targetPositions() + " and "
          + progress.sourcePositions() + "), more than the " + maxLag + " allowed", progress, null);
    }
    StoreComparison comparison = null;
    if (verify) {
      comparison = compare(10).orElseThrow(() -> new StoreSwitchRefusedException(
          projectionId, Reason.NOT_AT_SAME_POSITION, "source and target did not stand at the"
              + " same position while compared (checkpoints " + progress.sourcePositions()
              + " and " + progress.targetPositions() + "); build the target up to the source's"
              + " checkpoint with the source still, then switch again", progress, null));
      if (!comparison.identical()) {
        throw new StoreSwitchRefusedException(projectionId, Reason.DOCUMENTS_DIFFER,
            comparison.differing() + " of " + comparison.documents() + " documents differ at"
                + " position " + comparison.positions() + ", the first: "
                + comparison.firstDifferences().get(0), progress, comparison);
      }
    }
    marker.write(source.store().description(), progress.targetPositions());
    switched = true;
    return Optional.ofNullable(comparison);
  }

  /**
   * {@return whether queries read the target: as recorded in the target store, re-read at most once
   * per refresh interval until it says so, then never again} While the target store cannot be read,
   * this answers false (queries stay on the source, which is whole) and tries again after the
   * interval, logging a warning.
   */
  public boolean switched() {
    if (!switched && (!checkedOnce || System.nanoTime() - checkedAt >= refreshNanos)) {
      refreshForQueries();
    }
    return switched;
  }

  /**
   * Reads the switch record in the target store now, unless queries switched already.
   *
   * @return whether queries read the target
   * @throws io.orchestrix.projection.StoreException if the target store cannot be read
   */
  public boolean refresh() {
    if (!switched) {
      switched = marker.read().isPresent();
      checkedAt = System.nanoTime();
      checkedOnce = true;
    }
    return switched;
  }

  /** {@link #refresh}, but a target that cannot be read counts as not switched yet. */
  boolean refreshForQueries() {
    try {
      return refresh();
    } catch (StoreException unreadable) {
      checkedAt = System.nanoTime();
      checkedOnce = true;
      LOG.warn("projection '{}': cannot read whether queries switched to {}; they keep reading {}"
          + " and it is read again in {} ms: {}", projectionId, target.store().description(),
          source.store().description(), refreshNanos / 1_000_000, unreadable.getMessage());
      return false;
    }
  }

  /**
   * Queries over a read model that read the source until the switch and the target after it. Each
   * query reads one store whole; a query that finds nothing on the source re-reads the switch record
   * and, if queries switched meanwhile, runs once more on the target.
   *
   * @param <T> the read model's document type
   * @param readModel a read model declared on both engines; not null
   * @return the view
   * @throws IllegalArgumentException if the read model is not declared on both engines
   */
  public <T> ReadModelView<T> readModel(ReadModel<T> readModel) {
    return new SwitchedView<>(readModel, source.engine().readModel(readModel),
        target.engine().readModel(readModel), this);
  }

  private DocumentComparer.Side comparable(Side side) {
    int generation = generation(side);
    return new DocumentComparer.Side(side.store(),
        readModel -> DocumentComparer.prepared(side.store(), readModel, generation),
        () -> positions(side, generation));
  }

  private List<Long> positions(Side side) {
    return positions(side, generation(side));
  }

  private List<Long> positions(Side side, int generation) {
    String key = ProjectionIds.generationKey(projectionId, generation);
    int partitions = side.engine().partitions();
    List<Long> positions = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      String partitionKey = partitions == 1 ? key : ProjectionIds.partitionKey(key, p);
      positions.add(side.store().loadState(partitionKey)
          .map(ProjectionState::lastProcessedPosition).orElse(0L));
    }
    return positions;
  }

  private static int generation(Side side) {
    try {
      return side.engine().generations().live().number();
    } catch (UnsupportedOperationException unversioned) {
      return 1;
    }
  }

  @Override
  public String toString() {
    return "StoreMigration[" + projectionId + " from " + source.store().description() + " to "
        + target.store().description() + (switched ? ", switched]" : "]");
  }
}
