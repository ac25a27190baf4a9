package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.AsyncEventHandler;
import io.orchestrix.projection.BatchResult;
import io.orchestrix.projection.EventConsumer;
import io.orchestrix.projection.EventEnvelope;
import io.orchestrix.projection.EventHandler;
import io.orchestrix.projection.PartitionFilter;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionGenerations;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ProjectionOperations;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ProjectionVersionException;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.ReadModelView;
import io.orchestrix.projection.spi.Commit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The engine users get: a projection with a version, kept in generations so that it can be rebuilt
 * without downtime. Each generation is an engine of its own ({@link DefaultProjectionEngine} or
 * {@link PartitionedProjectionEngine}) with its own read models and writer keys, over the handlers
 * every generation shares. Processing and operations go to the generation this node's code writes
 * (decided on first use, {@link GenerationControl#resolve}); queries go to the live generation
 * ({@link GenerationalView}). A projection never rebuilt is generation 1, with the names it always
 * had. Thread-safe.
 */
public final class VersionedProjectionEngine implements ProjectionEngine {

  private final EngineConfig config;
  private final VersionSettings settings;
  private final HandlerRegistry registry = new HandlerRegistry();
  private final Map<Integer, Generational> generations = new ConcurrentHashMap<>();
  private final GenerationControl control;
  private final LivePointer live;
  private volatile GenerationControl.@Nullable Role role;

  /** One generation's engine and the parts it shares with its partitions. */
  record Generational(int number, EngineParts parts, ProjectionEngine engine) {}

  public VersionedProjectionEngine(EngineConfig config, VersionSettings settings) {
    this.config = config;
    this.settings = settings;
    this.control = new GenerationControl(config.projectionId(), settings, config.store(),
        config.partitions(), config.clock(), this::clear, this::refreshLive,
        new GenerationComparer(config.store(), config.projectionId(), config.partitions(),
            config.readModels()));
    this.live = new LivePointer(control, settings.refresh());
    generation(1);
  }

  private void refreshLive() {
    live.refresh();
  }

  /** The engine of a generation, made on first use; no I/O. */
  Generational generation(int number) {
    return generations.computeIfAbsent(number, this::create);
  }

  private Generational create(int number) {
    Map<String, ReadModel<?>> aliases = new LinkedHashMap<>();
    List<ReadModel<?>> own = new ArrayList<>();
    for (ReadModel<?> declared : config.readModels()) {
      ReadModel<?> renamed = GenerationNames.readModel(declared, number);
      aliases.put(declared.name(), renamed);
      own.add(renamed);
    }
    Map<ReadModel<?>, Function<EventEnvelope<?>, @Nullable String>> prefetch = new LinkedHashMap<>();
    config.prefetch().forEach((readModel, ids) -> prefetch.put(aliases.get(readModel.name()), ids));
    EngineConfig own_ = new EngineConfig(
        ProjectionIds.generationKey(config.projectionId(), number), config.store(), List.copyOf(own),
        Map.copyOf(prefetch), config.codec(), config.eventTypes(), config.clock(),
        config.meterRegistry(), config.handlerTimeout(), config.batchSize(), config.cacheSize(),
        config.failurePolicy(), config.positions(), config.partitions(), config.partitionKey(),
        config.observations());
    EngineParts parts = new EngineParts(own_, registry, aliases,
        new BuildPace(settings.buildRateLimit()));
    ProjectionEngine engine = config.partitions() > 1 ? new PartitionedProjectionEngine(parts)
        : new DefaultProjectionEngine(parts, Commit.UNPARTITIONED);
    return new Generational(number, parts, engine);
  }

  /**
   * Clears a generation that nobody writes: one reset commit per partition, each claiming the
   * partition's key, so a writer left behind is fenced.
   */
  private void clear(int number) {
    Generational generation = generation(number);
    generation.parts().prepareReadModels();
    Set<String> names = new LinkedHashSet<>();
    generation.parts().readModels.all().forEach(readModel -> names.add(readModel.name()));
    String key = ProjectionIds.generationKey(config.projectionId(), number);
    if (config.partitions() == 1) {
      clearKey(key, names, Commit.UNPARTITIONED);
    } else {
      for (int partition = 0; partition < config.partitions(); partition++) {
        clearKey(ProjectionIds.partitionKey(key, partition), names, partition);
      }
    }
  }

  private void clearKey(String key, Set<String> readModels, int partition) {
    long token = config.store().claimWriter(key);
    long position = config.store().loadState(key).map(ProjectionState::lastProcessedPosition)
        .orElse(0L);
    Commit reset = Commit.reset(token, position,
        ProjectionState.initial(key, config.clock().instant()), readModels);
    config.store().commit(partition == Commit.UNPARTITIONED ? reset : reset.inPartition(partition));
  }

  VersionSettings settings() {
    return settings;
  }

  GenerationControl control() {
    return control;
  }

  LivePointer livePointer() {
    return live;
  }

  /**
   * Decides what this node writes, once; a later call after a refusal or a wait decides again.
   *
   * @param start whether to start building this version if the registry does not know it
   * @throws ProjectionVersionException if this version may not write
   * @throws io.orchestrix.projection.StoreException if the store fails
   */
  synchronized GenerationControl.Role resolve(boolean start) {
    GenerationControl.Role known = role;
    if (known instanceof GenerationControl.Role.Write) {
      return known;
    }
    GenerationControl.Role decided = control.resolve(start);
    if (decided instanceof GenerationControl.Role.Write write) {
      Generational mine = generation(write.number());
      mine.parts().rebuilding(write.building());
      mine.parts().writeGuard(() -> mine.parts().rebuilding(control.checkWritable(write.number())));
    }
    role = decided;
    return decided;
  }

  /** Forgets the decision, so the next use decides again (after a refusal, say). */
  synchronized void forgetRole() {
    role = null;
  }

  /** The engine of the generation this node writes. */
  private ProjectionEngine writer() {
    GenerationControl.Role decided = resolve(false);
    if (decided instanceof GenerationControl.Role.Write write) {
      return generation(write.number()).engine();
    }
    GenerationControl.Role.Wait wait = (GenerationControl.Role.Wait) decided;
    throw new ProjectionVersionException(config.projectionId(), settings.version(),
        control.live().version(), wait.why());
  }

  @Override
  public String projectionId() {
    return config.projectionId();
  }

  @Override
  public <E> ProjectionEngine on(Class<E> eventType, EventConsumer<? super E> handler) {
    generation(1).engine().on(eventType, handler);
    return this;
  }

  @Override
  public <E> ProjectionEngine on(Class<E> eventType, EventHandler<? super E> handler) {
    generation(1).engine().on(eventType, handler);
    return this;
  }

  @Override
  public <E> ProjectionEngine onAsync(Class<E> eventType, AsyncEventHandler<? super E> handler) {
    generation(1).engine().onAsync(eventType, handler);
    return this;
  }

  @Override
  public <E> ProjectionEngine onSideEffect(Class<E> eventType, EventHandler<? super E> handler) {
    generation(1).engine().onSideEffect(eventType, handler);
    return this;
  }

  @Override
  public ProjectionEngine register(Object projection) {
    generation(1).engine().register(projection);
    return this;
  }

  @Override
  public BatchResult handleEvent(EventEnvelope<?> event) {
    return writer().handleEvent(event);
  }

  @Override
  public BatchResult processEvents(List<? extends EventEnvelope<?>> events) {
    return writer().processEvents(events);
  }

  @Override
  public CompletionStage<BatchResult> processEventsPipelined(List<? extends EventEnvelope<?>> events) {
    return writer().processEventsPipelined(events);
  }

  @Override
  public BatchResult replay(Iterable<? extends EventEnvelope<?>> events) {
    return writer().replay(events);
  }

  @Override
  public int partitions() {
    return config.partitions();
  }

  /**
   * The engine of one partition of the generation this node writes; for a projection that is not
   * split, {@code partition(0)} is this engine.
   */
  @Override
  public ProjectionEngine partition(int partition) {
    generation(1).engine().partition(partition);
    return config.partitions() == 1 ? this : writer().partition(partition);
  }

  @Override
  public PartitionFilter partitionFilter(int partition) {
    return generation(1).engine().partitionFilter(partition);
  }

  @Override
  public ProjectionState claim() {
    return writer().claim();
  }

  @Override
  public ProjectionOperations operations() {
    return writer().operations();
  }

  @Override
  public boolean isHealthy() {
    return state().healthy();
  }

  /**
   * The state of the generation this node writes; if this node's version may not write (it was
   * retired, or waits for its build to be started), the state of the live generation, so that reading
   * the state never fails for a version reason.
   */
  @Override
  public ProjectionState state() {
    try {
      return writer().state();
    } catch (ProjectionVersionException e) {
      return generation(live.current()).engine().state();
    }
  }

  @Override
  public <T> ReadModelView<T> readModel(ReadModel<T> readModel) {
    generation(1).parts().readModels.require(readModel, config.projectionId());
    return new GenerationalView<>(readModel, this);
  }

  @Override
  public ProjectionGenerations generations() {
    return control;
  }

  @Override
  public String toString() {
    return "ProjectionEngine[" + config.projectionId() + " version " + settings.version() + " on "
        + config.store().description() + "]";
  }
}
