package io.orchestrix.projection.spring.internal;

import io.orchestrix.projection.core.ProjectionRunner;
import io.orchestrix.projection.spring.ProjectionEngines;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the runner with the application context and stops it gracefully: each batch in flight
 * commits or fails as a whole (never half), within the shutdown timeout, after which what still runs
 * is interrupted and commits nothing. It starts before the web server and stops after it, so requests
 * waiting to read their writes are answered before the projections stop.
 *
 * <p>Thread-safe.
 */
public final class RunnerLifecycle implements SmartLifecycle {

  /** Below the web server's phases, so it starts earlier and stops later. */
  public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

  private static final Logger LOG = LoggerFactory.getLogger(RunnerLifecycle.class);

  private final ProjectionEngines engines;
  private final boolean autoStart;
  private final Duration shutdownTimeout;
  private volatile boolean running;

  public RunnerLifecycle(ProjectionEngines engines, boolean autoStart, Duration shutdownTimeout) {
    this.engines = engines;
    this.autoStart = autoStart;
    this.shutdownTimeout = shutdownTimeout;
  }

  @Override
  public void start() {
    engines.runner().ifPresent(ProjectionRunner::start);
    running = true;
    LOG.info("projections started: {}", engines.ids());
  }

  @Override
  public void stop() {
    engines.runner().ifPresent(runner -> runner.stop(shutdownTimeout));
    running = false;
    LOG.info("projections stopped: {}", engines.ids());
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  @Override
  public boolean isAutoStartup() {
    return autoStart;
  }

  @Override
  public int getPhase() {
    return PHASE;
  }
}
