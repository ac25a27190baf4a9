package io.orchestrix.projection.kafka.testing.internal;

import java.util.Objects;

/**
 * A broker that runs elsewhere and is only named by its bootstrap servers: nothing to start, stop
 * or delete. Immutable and thread-safe.
 */
public final class ExternalBroker implements BrokerRuntime {

  private final String bootstrapServers;
  private final String source;

  /**
   * @param bootstrapServers {@code host:port[,host:port...]}
   * @param source where the address came from, for messages (an environment variable's name)
   */
  public ExternalBroker(String bootstrapServers, String source) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.source = Objects.requireNonNull(source, "source");
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public String description() {
    return "external broker (" + source + ")";
  }

  @Override
  public boolean isRunning() {
    return true;
  }

  @Override
  public void close() {
    // not ours to stop
  }
}
