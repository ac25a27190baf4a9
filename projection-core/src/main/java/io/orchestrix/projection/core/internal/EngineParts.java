package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What every writer session of one engine shares: configuration, store, read models, handlers,
 * metrics. Immutable references to thread-safe parts.
 */
final class EngineParts {

  final EngineConfig config;
  final ProjectionStore store;
  final ReadModels readModels;
  final HandlerRegistry registry;
  final HandlerInvoker invoker;
  final DeadLetters deadLetters;
  private volatile boolean readModelsPrepared;
  /** Whether these parts build a generation beside the live one: side-effecting handlers wait. */
  private volatile boolean rebuilding;
  /** Checked before each claim: throws if this generation may no longer be written. */
  private volatile Runnable writeGuard = () -> { };
  /** The rate limit of this generation's build on this node; applies only while rebuilding. */
  private final BuildPace buildPace;

  EngineParts(EngineConfig config, HandlerRegistry registry) {
    this(config, registry, Map.of(), BuildPace.UNLIMITED);
  }

  /**
   * @param aliases read models as the handlers and queries name them, by their name, mapped to those
   *     of {@code config} that stand for them (a generation's own read models)
   * @param buildPace how fast the generation may be built on this node while it is being built
   */
  EngineParts(EngineConfig config, HandlerRegistry registry, Map<String, ReadModel<?>> aliases,
      BuildPace buildPace) {
    this.config = config;
    this.buildPace = buildPace;
    this.store = config.observations().observe(config.store());
    this.readModels = new ReadModels(config.readModels(), config.codec(), aliases);
    this.registry = registry;
    this.invoker = new HandlerInvoker(config.projectionId(), readModels, store,
        config.handlerTimeout(), config.observations(), this::rebuilding);
    this.deadLetters = new DeadLetters(new EnvelopeJson(config.eventTypes()));
  }

  boolean rebuilding() {
    return rebuilding;
  }

  void rebuilding(boolean building) {
    rebuilding = building;
  }

  /**
   * How long a writer waits before processing a batch of this many events: zero unless these parts
   * build a generation beside the live one under a rate limit and are ahead of it.
   */
  Duration buildPause(int events) {
    return rebuilding && buildPace.limited() ? buildPace.reserve(events, System.nanoTime())
        : Duration.ZERO;
  }

  void writeGuard(Runnable guard) {
    writeGuard = guard;
  }

  /**
   * @throws io.orchestrix.projection.ProjectionVersionException if this generation may not be written
   */
  void checkWritable() {
    writeGuard.run();
  }

  /**
   * Prepares the storage of every declared read model, once per engine; a failure is raised and the
   * next call tries again.
   *
   * @throws io.orchestrix.projection.StoreException if the store cannot prepare them
   */
  void prepareReadModels() {
    if (!readModelsPrepared) {
      synchronized (this) {
        if (!readModelsPrepared) {
          for (ReadModel<?> readModel : readModels.all()) {
            store.prepareReadModel(ReadModels.schemaOf(readModel));
          }
          readModelsPrepared = true;
        }
      }
    }
  }

  Instant now() {
    return config.clock().instant();
  }
}
