package io.orchestrix.projection.spring.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.orchestrix.projection.EventSource;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionStateStore;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.ProjectionEngineBuilder;
import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import io.orchestrix.projection.spring.Projection;
import io.orchestrix.projection.spring.ProjectionDefinitionException;
import io.orchestrix.projection.spring.ProjectionEngines;
import io.orchestrix.projection.spring.ProjectionsProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Builds one engine per {@link Projection} bean, with the configured store, codec, meters and failure
 * policy, registers the bean's {@code @Handles} methods, and one runner over them all.
 */
public final class EngineAssembly {

  private final ProjectionsProperties properties;
  private final ProjectionStateStore store;
  private final EventSource source;
  private final @Nullable MeterRegistry meterRegistry;
  private final @Nullable ObjectMapper objectMapper;
  private @Nullable Executor executor;

  /**
   * @param meterRegistry the application's registry, or null for no meters
   * @param objectMapper the application's Jackson 2 mapper (copied, so the engine's settings never
   *     reach the application's), or null for the engine's default mapper
   */
  public EngineAssembly(ProjectionsProperties properties, ProjectionStateStore store,
      EventSource source, @Nullable MeterRegistry meterRegistry, @Nullable ObjectMapper objectMapper) {
    this.properties = properties;
    this.store = store;
    this.source = source;
    this.meterRegistry = meterRegistry;
    this.objectMapper = objectMapper;
  }

  /**
   * Runs the runner's processing loops on this executor instead of threads of its own (see
   * {@link ProjectionRunner.Builder#executor}); the application owns and shuts it down.
   *
   * @param executor the executor, or null for the runner's own threads
   * @return this assembly
   */
  public EngineAssembly executor(@Nullable Executor executor) {
    this.executor = executor;
    return this;
  }

  /**
   * The engines and runner of the given beans, the runner not started.
   *
   * @param projectionBeans the {@link Projection} beans by bean name
   * @throws ProjectionDefinitionException if two beans claim one id or one read model, or an engine
   *     refuses a bean
   */
  public ProjectionEngines assemble(Map<String, Object> projectionBeans) {
    Map<String, ProjectionEngine> engines = new LinkedHashMap<>();
    Map<String, String> beanOfId = new LinkedHashMap<>();
    Map<String, String> ownerOfReadModel = new LinkedHashMap<>();
    projectionBeans.forEach((beanName, bean) -> {
      Class<?> type = AopUtils.getTargetClass(bean);
      Projection annotation = AnnotatedElementUtils.findMergedAnnotation(type, Projection.class);
      if (annotation == null) {
        throw new ProjectionDefinitionException("bean '" + beanName + "' (" + type.getName()
            + ") is not annotated with @Projection");
      }
      String id = annotation.id();
      String other = beanOfId.putIfAbsent(id, beanName);
      if (other != null) {
        throw new ProjectionDefinitionException("beans '" + other + "' and '" + beanName
            + "' both declare projection '" + id + "'; give each projection its own id");
      }
      List<ReadModel<?>> readModels = ReadModelDeclarations.of(type, annotation);
      for (ReadModel<?> readModel : readModels) {
        String owner = ownerOfReadModel.putIfAbsent(readModel.name(), id);
        if (owner != null) {
          throw new ProjectionDefinitionException("read model '" + readModel.name()
              + "' is declared by projections '" + owner + "' and '" + id
              + "'; a read model belongs to one projection");
        }
      }
      engines.put(id, engine(beanName, annotation, bean, readModels));
    });
    if (engines.isEmpty()) {
      return new ProjectionEngines(engines, null, false);
    }
    ProjectionRunner.Builder runner = ProjectionRunner.builder(source)
        .batchSize(properties.batchSize())
        .maxIdleWait(properties.maxLatency());
    if (properties.startupLimit() != null) {
      runner.startupLimit(properties.startupLimit());
    }
    if (meterRegistry != null) {
      runner.meterRegistry(meterRegistry);
    }
    if (properties.nodeName() != null) {
      runner.node(properties.nodeName());
    }
    runner.leaseTime(properties.leaseTime());
    if (executor != null) {
      runner.executor(executor);
    }
    engines.values().forEach(runner::projection);
    return new ProjectionEngines(engines, runner.build(), properties.runByLeases());
  }

  private ProjectionEngine engine(String beanName, Projection annotation, Object bean,
      List<ReadModel<?>> readModels) {
    String id = annotation.id();
    ProjectionsProperties.Generations generations = properties.generations();
    try {
      ProjectionEngineBuilder builder = Projections.engine(id)
          .store(store)
          .batchSize(properties.batchSize())
          .handlerTimeout(properties.handlerTimeout())
          .failurePolicy(properties.failure().toPolicy())
          .partitions(properties.partitions())
          .version(annotation.version())
          .rebuildNewVersionOnStart(generations.buildOnStart())
          .automaticCutOver(generations.automaticCutOver())
          .cutOverLag(generations.cutOverLag())
          .generationRefresh(generations.refresh())
          .retiredGenerationGrace(generations.retiredGrace())
          .buildRateLimit(generations.buildRateLimit());
      readModels.forEach(builder::readModel);
      if (meterRegistry != null) {
        builder.meterRegistry(meterRegistry);
      }
      if (objectMapper != null) {
        builder.codec(JacksonDocumentCodec.using(objectMapper.copy()));
      }
      ProjectionEngine engine = builder.build();
      engine.register(bean);
      return engine;
    } catch (IllegalArgumentException refused) {
      throw new ProjectionDefinitionException(
          "projection bean '" + beanName + "' (id '" + id + "') was refused: " + refused.getMessage(),
          refused);
    }
  }
}
