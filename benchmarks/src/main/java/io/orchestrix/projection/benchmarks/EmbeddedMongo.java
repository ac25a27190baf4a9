package io.orchestrix.projection.benchmarks;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;

/**
 * The in-process MongoDB wire-protocol server (mongo-java-server, memory backend) on a random
 * loopback port, for the run issue 6 asks for where no real MongoDB exists. It is no measure of
 * MongoDB's speed, only of the overhead of a store against the same server.
 */
final class EmbeddedMongo implements AutoCloseable {

  /** The {@code --store} value that starts it. */
  static final String STORE_NAME = "mongodb:embedded";

  private final MongoServer server;
  private final String uri;

  EmbeddedMongo() {
    server = new MongoServer(new MemoryBackend());
    server.bind("127.0.0.1", 0);
    InetSocketAddress address = server.getLocalAddress();
    uri = "mongodb://127.0.0.1:" + address.getPort() + "/bench";
  }

  /** Its connection string. */
  String uri() {
    return uri;
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
