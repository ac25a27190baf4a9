package io.orchestrix.projection.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.tck.ConfigurationContract;
import io.orchestrix.projection.tck.ProjectionStoreContract;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The store contract kit, run against {@link TestMongo}'s server. */
class MongoStoreContractTest extends ProjectionStoreContract {

  private static TestMongo server;
  private static MongoStoreMode mode;
  private String prefix;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
    String probePrefix = TestMongo.freshPrefix();
    try (MongoProjectionStore probe = MongoProjectionStore.open(server.uri(),
        TestMongo.options(probePrefix).build())) {
      mode = probe.mode();
    }
    server.drop(probePrefix);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshData() {
    prefix = TestMongo.freshPrefix();
  }

  @AfterEach
  void dropData() {
    server.drop(prefix);
  }

  /**
   * False in standalone mode, where documents are written before the checkpoint decides, so a commit
   * cut short or refused after its document writes leaves them visible ahead of the checkpoint until
   * reprocessing; {@link StandaloneRecoveryTest} checks that reprocessing then gives the
   * uninterrupted result.
   */
  @Override
  protected boolean commitsAreAtomic() {
    return mode == MongoStoreMode.TRANSACTIONAL;
  }

  @Override
  protected Optional<String> uriScheme() {
    return Optional.of("mongodb");
  }

  @Override
  protected Optional<String> storeUri() {
    return Optional.of(server.uri());
  }

  /** URIs naming the kit's trap as their server that the store must refuse before connecting. */
  @Override
  protected List<String> malformedUris() {
    String trap = connectionTrapAddress();
    return List.of(
        "mongodb://kit:" + ConfigurationContract.KIT_PASSWORD + "@" + trap,
        "mongodb://kit:" + ConfigurationContract.KIT_PASSWORD + "@" + trap + "/db.orders",
        "mongodb://kit:" + ConfigurationContract.KIT_PASSWORD + "@" + trap + "/db?w=nonsense&wtimeoutMS=x",
        "mongodb://kit:" + ConfigurationContract.KIT_PASSWORD + "/x@" + trap + "/db",
        "mongodb+srv://kit:" + ConfigurationContract.KIT_PASSWORD + "@" + trap + "/db");
  }

  @Override
  protected ProjectionStore openStore() {
    return MongoProjectionStore.open(server.uri(), TestMongo.options(prefix).build());
  }

  @Override
  protected void makeStoredSchemaNewerThanCode() {
    try (MongoClient client = MongoClients.create(server.uri())) {
      client.getDatabase(server.database())
          .getCollection(prefix + "meta")
          .updateOne(new Document("_id", "schema"),
              new Document("$set", new Document("version", MongoProjectionStore.SCHEMA_VERSION + 1)));
    }
  }

  /** A store over the same data whose commits fail before their write number {@code writes}. */
  @Override
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    AtomicInteger sent = new AtomicInteger();
    MongoProjectionStore failing = MongoProjectionStore.open(server.uri(),
        TestMongo.options(prefix).build(), write -> {
          if (sent.getAndIncrement() >= writes) {
            throw StoreException.outage("injected failure before " + write + ", after " + writes
                + " writes", null, null);
          }
        });
    failing.prepareReadModel(ORDERS);
    failing.prepareReadModel(NOTES);
    return failing;
  }
}
