package io.orchestrix.projection.examples;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * The blue/green kill contract with the projection in MongoDB (the events in PostgreSQL): the
 * in-process server (mongo-java-server) listens on a TCP port of this JVM and the child JVMs connect
 * to it with the real driver.
 */
class MongoBlueGreenKillTest extends BlueGreenKillContract {

  private MongoServer server;

  @Override
  Store freshStore(Path directory) {
    server = new MongoServer(new MemoryBackend());
    InetSocketAddress address = server.bind();
    return new Store("mongodb://127.0.0.1:" + address.getPort() + "/bluegreen", Map.of());
  }

  @Override
  void cleanUp(Store store) {
    server.shutdownNow();
  }
}
