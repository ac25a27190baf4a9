package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import java.time.Instant;

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

  EngineParts(EngineConfig config, HandlerRegistry registry) {
    this.config = config;
    this.store = config.observations().observe(config.store());
    this.readModels = new ReadModels(config.readModels(), config.codec());
    this.registry = registry;
    this.invoker = new HandlerInvoker(config.projectionId(), readModels, store,
        config.handlerTimeout(), config.observations());
    this.deadLetters = new DeadLetters(new EnvelopeJson(config.eventTypes()));
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
