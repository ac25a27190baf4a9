package io.orchestrix.projection.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.tck.ProjectionStoreContract;
import java.util.Set;
import org.bson.Document;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/** The store contract kit, run against {@link TestMongo}'s server. */
class MongoStoreContractTest extends ProjectionStoreContract {

  /**
   * Kit tests that require a refused or failed commit to leave nothing visible; in standalone mode
   * documents are written before the checkpoint decides, by design (see {@link MongoStoreMode}).
   */
  private static final Set<String> NEED_ATOMIC_VISIBILITY =
      Set.of("failureAfterAnyWriteLeavesNothing", "exactlyOneConcurrentCommitWins");

  private static TestMongo server;
  private String prefix;

  @BeforeAll
  static void startServer() {
    server = TestMongo.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @BeforeEach
  void freshData(TestInfo test) {
    prefix = TestMongo.freshPrefix();
    String method = test.getTestMethod().map(m -> m.getName()).orElse("");
    if (NEED_ATOMIC_VISIBILITY.contains(method)) {
      try (MongoProjectionStore probe = (MongoProjectionStore) openStore()) {
        Assumptions.assumeTrue(probe.mode() == MongoStoreMode.TRANSACTIONAL,
            "needs all-or-nothing visibility, which only the transactional mode gives; this server"
                + " runs the standalone mode (" + probe.modeReason() + "), where a commit cut short"
                + " or refused after its document writes leaves them visible ahead of the"
                + " checkpoint until reprocessing; StandaloneRecoveryTest checks that reprocessing"
                + " then gives the uninterrupted result");
      }
    }
  }

  @AfterEach
  void dropData() {
    try (MongoClient client = MongoClients.create(server.uri())) {
      var database = client.getDatabase(server.database());
      for (String name : database.listCollectionNames()) {
        if (name.startsWith(prefix)) {
          database.getCollection(name).drop();
        }
      }
    }
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

  @Override
  protected ProjectionStore openStoreFailingAfterWrites(int writes) {
    AtomicInteger sent = new AtomicInteger();
    return MongoProjectionStore.open(server.uri(), TestMongo.options(prefix).build(), write -> {
      if (sent.getAndIncrement() >= writes) {
        throw new StoreException("injected failure before " + write + ", after " + writes
            + " writes", true, null);
      }
    });
  }
}
