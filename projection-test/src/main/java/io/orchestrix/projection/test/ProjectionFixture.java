package io.orchestrix.projection.test;

import io.orchestrix.projection.FailurePolicy;
import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.ProjectionEngine;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.ProjectionEngineBuilder;
import io.orchestrix.projection.core.ProjectionStores;
import io.orchestrix.projection.core.Projections;
import io.orchestrix.projection.core.json.JacksonDocumentCodec;
import io.orchestrix.projection.spi.DocumentCodec;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.test.internal.KitStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A projection under test, described once (its id, read models and handlers) so that the kit can
 * build it afresh for every scenario and check: given/when/then ({@link #given}), faults
 * ({@link Scenario#with}), determinism ({@link #checkDeterminism}), crash recovery
 * ({@link #checkCrashRecovery}) and a live runner ({@link #start}).
 *
 * <pre>{@code
 * ProjectionFixture orders = ProjectionFixture.builder("orders")
 *     .readModel(ORDERS)
 *     .handlers(engine -> engine.register(new OrderProjection()))
 *     .build();
 *
 * orders.given(new OrderPlaced("o-1", "Ann"))
 *     .when(new OrderShipped("o-1"))
 *     .then().document(ORDERS, "o-1", new Order("o-1", "Ann", "SHIPPED"));
 * }</pre>
 *
 * <h2>Stores</h2>
 * Every scenario runs on a new in-memory store ({@code memory:}) unless the fixture names a store URI
 * ({@link Builder#store}), or the system property {@value #STORE_PROPERTY} does (so one test class runs
 * on PostgreSQL in CI and in memory elsewhere). A store opened by URI is opened once, reset
 * ({@link io.orchestrix.projection.ProjectionOperations#reset()}) before each scenario, and closed by
 * {@link #close()}; give each test class its own projection id there.
 *
 * <p>Immutable after building; scenarios on a memory store may run in parallel, scenarios on a store
 * opened by URI must not (they share the projection). Methods throw {@link ProjectionAssertionError}
 * when a check fails, {@link IllegalArgumentException} for bad input.
 */
public final class ProjectionFixture implements AutoCloseable {

  /** The system property naming a store URI for every fixture that names none itself. */
  public static final String STORE_PROPERTY = "orchestrix.projection.test.store";
  /** The stream a plain payload goes to unless the fixture says otherwise. */
  public static final String DEFAULT_STREAM = "stream-1";

  private final String projectionId;
  private final List<ReadModel<?>> readModels;
  private final Consumer<ProjectionEngine> handlers;
  private final Consumer<ProjectionEngineBuilder> configuration;
  private final FailurePolicy failurePolicy;
  private final Function<Object, String> streamOf;
  private final TestClock clock;
  private final DocumentCodec codec;
  private final @Nullable String storeUri;
  private final Map<String, String> storeProperties;
  private @Nullable ProjectionStore sharedStore;

  private ProjectionFixture(Builder builder) {
    this.projectionId = builder.projectionId;
    this.readModels = List.copyOf(builder.readModels);
    this.handlers = builder.handlers;
    this.configuration = builder.configuration;
    this.failurePolicy = builder.failurePolicy;
    this.streamOf = builder.streamOf;
    this.clock = builder.clock;
    this.codec = builder.codec;
    String fromProperty = System.getProperty(STORE_PROPERTY);
    this.storeUri = builder.storeUri != null ? builder.storeUri
        : fromProperty == null || fromProperty.isBlank() || fromProperty.equals("memory:") ? null
        : fromProperty;
    this.storeProperties = Map.copyOf(builder.storeProperties);
  }

  /**
   * Starts describing the projection with the given id.
   * @param projectionId the projection's id, a valid projection id
   * @return a builder
   */
  public static Builder builder(String projectionId) {
    return new Builder(projectionId);
  }

  /**
   * A scenario that starts with these events already applied (payloads, test events, envelopes).
   * @param events the events: payloads, {@link TestEvent}s or envelopes
   * @return the scenario, to add faults and the when phase to
   */
  public Scenario given(Object... events) {
    return new Scenario(this, newSequence()).given(events);
  }

  /** {@return a scenario that starts from an empty projection} */
  public Scenario scenario() {
    return new Scenario(this, newSequence());
  }

  /**
   * Processes the events from scratch in several ways and checks that they all give the same result:
   * twice in one batch (the second run at least a millisecond later by the wall clock), and one event
   * per batch with the writer's cache off (every document read back from its JSON). A handler that
   * depends on the wall clock, keeps state outside the read models (in the projection object or a
   * static field) or whose documents do not read back as saved fails it. For dependence on the order
   * of events across streams, see {@link #checkStreamOrderIndependence}.
   *
   * @param events the events: payloads, {@link TestEvent}s or envelopes
   * @return the digest of the result (SHA-256 over documents, checkpoint and dead letters)
   * @throws ProjectionAssertionError naming the two runs and the documents that differ
   */
  public String checkDeterminism(Object... events) {
    return new RunChecks(this, newSequence().next(events)).determinism();
  }

  /**
   * Checks that the result does not depend on how independent streams interleave: the events are
   * processed as given, then grouped stream by stream (each stream's own order kept, positions
   * renumbered, streams in the reverse order of their first event), and both must give the same
   * read models. Meant for projections whose documents each follow their own streams; one that
   * aggregates across streams in arrival order ("the latest order of all") legitimately fails it.
   *
   * @param events the events: payloads, {@link TestEvent}s or envelopes, of several streams
   * @throws ProjectionAssertionError naming the documents that differ
   */
  public void checkStreamOrderIndependence(Object... events) {
    new RunChecks(this, newSequence().next(events)).streamOrderIndependence();
  }

  /**
   * Simulates a crash at every commit and checks that nothing is applied twice or lost: for each
   * event k, the events are processed one per batch until the commit of event k fails (once before
   * the store applied it, once after, with the reply lost), then a new engine (a restart) is given
   * every event again from the first; the result must equal an uninterrupted run's.
   *
   * @param events the events: payloads, {@link TestEvent}s or envelopes
   * @return how many crash points were checked
   * @throws ProjectionAssertionError naming the crash point and the documents that differ
   */
  public int checkCrashRecovery(Object... events) {
    return new RunChecks(this, newSequence().next(events)).crashRecovery();
  }

  /**
   * Starts the projection in a {@link io.orchestrix.projection.core.ProjectionRunner} that follows a
   * new in-memory event log, with the fixture's {@link TestClock}. Close what it returns.
   * @return the running projection, which the caller closes
   */
  public RunningProjection start() {
    return RunningProjection.start(this, open(b -> {}));
  }

  /** {@return the fixture's clock: engines, runners and event times read it; tests move it} */
  public TestClock clock() {
    return clock;
  }

  /** {@return the projection's id} */
  public String projectionId() {
    return projectionId;
  }

  /** Closes the store opened by URI, if one was; idempotent. */
  @Override
  public synchronized void close() {
    if (sharedStore != null) {
      sharedStore.close();
      sharedStore = null;
    }
  }

  // ---- what scenarios and checks use

  List<ReadModel<?>> readModels() {
    return readModels;
  }

  DocumentCodec codec() {
    return codec;
  }

  Function<Object, String> streamOf() {
    return streamOf;
  }

  EventSequence newSequence() {
    return new EventSequence(streamOf, clock);
  }

  /** One engine over a store, with the kit's fault hooks. */
  record Run(ProjectionEngine engine, KitStore store, HandlerFaults faults) {}

  /** A new engine on a store holding nothing of this projection. */
  Run open(Consumer<ProjectionEngineBuilder> variant) {
    ProjectionStore real = storeUri == null
        ? new InMemoryProjectionStateStore("memory: (test kit)", clock) : sharedStore();
    Run run = engineOn(real, variant);
    if (storeUri != null) {
      run.engine().operations().reset();
    }
    return run;
  }

  /** Another engine on the same store, as a process restarted after a crash would build. */
  Run restart(Run crashed) {
    return engineOn(crashed.store().realStore(), b -> {});
  }

  private Run engineOn(ProjectionStore real, Consumer<ProjectionEngineBuilder> variant) {
    KitStore store = new KitStore(real);
    HandlerFaults faults = new HandlerFaults();
    ProjectionEngineBuilder builder = Projections.engine(projectionId)
        .store(store)
        .clock(clock)
        .codec(codec)
        .failurePolicy(failurePolicy);
    readModels.forEach(builder::readModel);
    configuration.accept(builder);
    variant.accept(builder);
    ProjectionEngine engine = builder.build();
    engine.on(Object.class, (Object payload, HandlerContext context) -> faults.onEvent(payload, context));
    handlers.accept(engine);
    return new Run(engine, store, faults);
  }

  private synchronized ProjectionStore sharedStore() {
    if (sharedStore == null) {
      if (!(ProjectionStores.open(Objects.requireNonNull(storeUri), storeProperties)
          instanceof ProjectionStore opened)) {
        throw new IllegalArgumentException("store " + storeUri + " holds only state; the kit needs "
            + "a store module's store");
      }
      sharedStore = opened;
    }
    return sharedStore;
  }

  /**
   * Describes a {@link ProjectionFixture}. Not thread-safe. Setters check their argument at once and
   * throw {@link IllegalArgumentException} (or {@link NullPointerException}) naming the setting.
   */
  public static final class Builder {
    private final String projectionId;
    private final List<ReadModel<?>> readModels = new ArrayList<>();
    private Consumer<ProjectionEngine> handlers = engine -> {};
    private Consumer<ProjectionEngineBuilder> configuration = builder -> {};
    private FailurePolicy failurePolicy = FailurePolicy.stop();
    private Function<Object, String> streamOf = payload -> DEFAULT_STREAM;
    private TestClock clock = TestClock.create();
    private DocumentCodec codec = JacksonDocumentCodec.create();
    private @Nullable String storeUri;
    private final Map<String, String> storeProperties = new LinkedHashMap<>();

    private Builder(String projectionId) {
      this.projectionId = ProjectionIds.requireValid(
          Objects.requireNonNull(projectionId, "projectionId must not be null"));
    }

    /**
     * Declares a read model of the projection (as on the engine's builder).
     * @param readModel the read model; its name not declared before
     * @return this builder
     */
    public Builder readModel(ReadModel<?> readModel) {
      Objects.requireNonNull(readModel, "readModel must not be null");
      if (readModels.stream().anyMatch(r -> r.name().equals(readModel.name()))) {
        throw new IllegalArgumentException("readModel: '" + readModel.name() + "' is declared twice");
      }
      readModels.add(readModel);
      return this;
    }

    /**
     * Registers the projection's handlers on each engine the kit builds: {@code engine.on(...)},
     * {@code engine.register(new MyProjection())}. Called once per engine, so a projection object
     * made inside it starts fresh each time.
     * @param handlers registers handlers on the engine it is given; not null
     * @return this builder
     */
    public Builder handlers(Consumer<ProjectionEngine> handlers) {
      this.handlers = Objects.requireNonNull(handlers, "handlers must not be null");
      return this;
    }

    /**
     * Anything else on the engine's builder: prefetch, event types, cache size, ...
     * @param configuration configures the engine's builder; not null
     * @return this builder
     */
    public Builder configure(Consumer<ProjectionEngineBuilder> configuration) {
      this.configuration = Objects.requireNonNull(configuration, "configuration must not be null");
      return this;
    }

    /**
     * What a handler failure does. Default {@link FailurePolicy#stop()}, as on the engine.
     * @param failurePolicy the policy; not null
     * @return this builder
     */
    public Builder failurePolicy(FailurePolicy failurePolicy) {
      this.failurePolicy = Objects.requireNonNull(failurePolicy, "failurePolicy must not be null");
      return this;
    }

    /**
     * The stream of a plain payload given to a scenario. Default: {@value #DEFAULT_STREAM}.
     * @param streamOfPayload gives the stream id of a payload; not null
     * @return this builder
     */
    public Builder streamId(Function<Object, String> streamOfPayload) {
      this.streamOf = Objects.requireNonNull(streamOfPayload, "streamOfPayload must not be null");
      return this;
    }

    /**
     * The clock engines, runners and event times read. Default: a new {@link TestClock}.
     * @param clock the clock; not null
     * @return this builder
     */
    public Builder clock(TestClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock must not be null");
      return this;
    }

    /**
     * How documents become JSON, as on the engine. Default {@link JacksonDocumentCodec}.
     * @param codec the codec; not null
     * @return this builder
     */
    public Builder codec(DocumentCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec must not be null");
      return this;
    }

    /**
     * Runs every scenario on the store this URI names (opened through
     * {@link ProjectionStores#open}) instead of memory, with the given store properties.
     * @param uri the store's URI, not blank; {@code memory:} for memory
     * @param properties the store's properties; not null
     * @return this builder
     */
    public Builder store(String uri, Map<String, String> properties) {
      Objects.requireNonNull(uri, "uri must not be null");
      if (uri.isBlank()) {
        throw new IllegalArgumentException("store: the URI must not be blank");
      }
      this.storeUri = uri.equals("memory:") ? null : uri;
      this.storeProperties.clear();
      this.storeProperties.putAll(Objects.requireNonNull(properties, "properties must not be null"));
      return this;
    }

    /**
     * {@link #store(String, Map)} with no properties.
     * @param uri the store's URI, not blank; {@code memory:} for memory
     * @return this builder
     */
    public Builder store(String uri) {
      return store(uri, Map.of());
    }

    /** {@return the fixture, ready for scenarios} */
    public ProjectionFixture build() {
      return new ProjectionFixture(this);
    }
  }
}
