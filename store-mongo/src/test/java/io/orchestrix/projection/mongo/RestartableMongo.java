package io.orchestrix.projection.mongo;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * An in-process mongo-java-server that a test can stop and start again on the same port with the same
 * data, as a real server restarted by an operator: stopping closes the listening socket and every
 * client connection. Not thread-safe: one test drives it.
 */
final class RestartableMongo implements AutoCloseable {

  /** A memory backend whose data outlives a stop of the server in front of it. */
  private static final class DurableMemoryBackend extends MemoryBackend {
    @Override
    public void close() {
      // The server closes its backend when it stops; the data must survive for the restart.
    }
  }

  private final DurableMemoryBackend backend = new DurableMemoryBackend();
  private final int port;
  private MongoServer server;
  private boolean running;

  RestartableMongo() {
    server = new MongoServer(backend);
    port = server.bind().getPort();
    running = true;
  }

  /** The URI of the server, with the database {@code outage_test}. */
  String uri() {
    return "mongodb://127.0.0.1:" + port + "/outage_test";
  }

  /** The port the server listens on, before and after a restart. */
  int port() {
    return port;
  }

  /** Stops listening and closes every client connection; the data stays. */
  void stop() {
    if (running) {
      server.shutdownNow();
      running = false;
    }
  }

  /** Starts a server on the same port over the same data. */
  void restart() {
    if (!running) {
      server = new MongoServer(backend);
      server.bind("127.0.0.1", port);
      running = true;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
