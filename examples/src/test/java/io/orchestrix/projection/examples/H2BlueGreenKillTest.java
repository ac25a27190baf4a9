package io.orchestrix.projection.examples;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;

/**
 * The blue/green kill contract with the projection in an H2 file (the events in PostgreSQL). The file
 * is opened with {@code AUTO_SERVER=TRUE}, first by this JVM, which keeps a connection open so that
 * the child JVMs reach it through this JVM's server.
 */
class H2BlueGreenKillTest extends BlueGreenKillContract {

  private Connection keeper;

  @Override
  Store freshStore(Path directory) throws Exception {
    String url = "jdbc:h2:file:" + directory.resolve("projection").toAbsolutePath()
        + ";AUTO_SERVER=TRUE";
    keeper = DriverManager.getConnection(url);
    return new Store(url, Map.of());
  }

  @Override
  void cleanUp(Store store) throws Exception {
    keeper.close();
  }
}
