package io.orchestrix.projection.mongo;

import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.quote;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.StoreFixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Ids and index values are kept exactly: as {@code _id} strings and {@code latest.index} strings,
 * compared by MongoDB byte for byte, so text differing only in case, trailing spaces, non-characters
 * or astral characters names different documents and different index values, and reads back as it
 * was written.
 */
class ExactTextTest {

  private static final String PROJECTION = "exact";
  private static final String READ_MODEL = "texts";
  /** Ids that are one another's near misses; each document's index value is its id. */
  private static final List<String> IDS = List.of(
      "a", "A", "a ", "a  ", " a", "ß", "SS", "ss",
      "\uFFFE", "\uFFFF", "x\uFFFEy", "x\uFFFFy", "\uFFFF ",
      "\uD83D\uDE00", "\uD83D\uDE00 ", "\uD834\uDD1E", "\uD83D\uDE01",
      "é".repeat(StoredDocument.MAX_ID_LENGTH),
      "日".repeat(StoredDocument.MAX_ID_LENGTH),
      "日".repeat(StoredDocument.MAX_ID_LENGTH - 1) + "本",
      "\uD83D\uDE00".repeat(StoredDocument.MAX_ID_LENGTH / 2),
      "\uD83D\uDE00".repeat(StoredDocument.MAX_ID_LENGTH / 2 - 1) + "\uD83D\uDE01");

  private static TestMongo server;
  private MongoProjectionStore store;
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
  void storeWithEveryId() {
    prefix = TestMongo.freshPrefix();
    store = MongoProjectionStore.open(server.uri(), TestMongo.options(prefix).build());
    store.prepareReadModel(new ReadModelSchema(READ_MODEL, List.of("text")));
    List<StoreFixtures.Change> puts = new ArrayList<>();
    for (String id : IDS) {
      puts.add(put(READ_MODEL, document(id)));
    }
    store.commit(commit(PROJECTION, store.claimWriter(PROJECTION), 0, 1, puts));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static StoredDocument document(String id) {
    return doc(id, "{\"text\":" + quote(id) + ",\"length\":" + id.length() + "}", Map.of("text", id), 1);
  }

  @Test
  @DisplayName("every id is its own document and reads back exactly, its text value and index value too")
  void idsAreDistinctAndExact() {
    assertThat(store.count(READ_MODEL)).isEqualTo(IDS.size());
    for (String id : IDS) {
      StoredDocument found = store.find(READ_MODEL, id).orElseThrow(
          () -> new AssertionError("no document under " + StoreFixtures.abbreviate(id)));
      assertThat(found.id()).isEqualTo(id);
      assertThat(found.json()).isEqualTo(document(id).json());
      assertThat(found.indexValues()).containsExactly(Map.entry("text", id));
    }
    assertThat(store.findAll(READ_MODEL, IDS).keySet()).containsExactlyInAnyOrderElementsOf(IDS);
  }

  @Test
  @DisplayName("a lookup by an index value finds the one document with exactly that value")
  void indexValuesAreDistinctAndExact() {
    for (String value : IDS) {
      assertThat(store.findByIndex(READ_MODEL, "text", value))
          .as("documents under %s", StoreFixtures.abbreviate(value))
          .extracting(StoredDocument::id).containsExactly(value);
    }
    for (String nearMiss : List.of("a   ", "A ", "\uFFFD", "\uD83D\uDE02", "é".repeat(511), "s")) {
      assertThat(store.findByIndex(READ_MODEL, "text", nearMiss)).as(nearMiss).isEmpty();
      assertThat(store.find(READ_MODEL, nearMiss)).as(nearMiss).isEmpty();
    }
  }

  @Test
  @DisplayName("ids and index values are stored as the strings themselves, in _id and latest.index")
  void storedAsTheStringsThemselves() {
    Map<String, BsonDocument> stored = new HashMap<>();
    try (MongoClient client = MongoClients.create(server.uri())) {
      client.getDatabase(server.database()).getCollection(prefix + "rm_" + READ_MODEL, BsonDocument.class)
          .find().forEach(raw -> stored.put(raw.getString("_id").getValue(), raw));
    }

    assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(IDS);
    for (String id : IDS) {
      BsonDocument latest = stored.get(id).getDocument("latest");
      assertThat(latest.getDocument("index").get("text")).isEqualTo(new BsonString(id));
      assertThat(latest.getDocument("doc").get("text")).isEqualTo(new BsonString(id));
    }
  }

  @Test
  @DisplayName("paging visits every id once, in the same order every time")
  void pagingVisitsEveryIdOnce() {
    List<String> visited = new ArrayList<>();
    String after = null;
    for (List<StoredDocument> page = store.page(READ_MODEL, null, 3); !page.isEmpty();
        page = store.page(READ_MODEL, after, 3)) {
      page.forEach(document -> visited.add(document.id()));
      after = page.get(page.size() - 1).id();
    }

    assertThat(visited).containsExactlyInAnyOrderElementsOf(IDS);
    assertThat(store.page(READ_MODEL, null, IDS.size())).extracting(StoredDocument::id)
        .containsExactlyElementsOf(visited);
  }

  @Test
  @DisplayName("deleting an id leaves every near miss of it in place")
  void deletesAreExact() {
    long token = store.claimWriter(PROJECTION);
    store.commit(commit(PROJECTION, token, 1, 2, List.of(delete(READ_MODEL, "a"),
        delete(READ_MODEL, "\uFFFF"), delete(READ_MODEL, "\uD83D\uDE00"),
        delete(READ_MODEL, "日".repeat(StoredDocument.MAX_ID_LENGTH)))));

    List<String> left = new ArrayList<>(IDS);
    left.removeAll(List.of("a", "\uFFFF", "\uD83D\uDE00", "日".repeat(StoredDocument.MAX_ID_LENGTH)));
    assertThat(store.findAll(READ_MODEL, IDS).keySet()).containsExactlyInAnyOrderElementsOf(left);
    assertThat(store.findByIndex(READ_MODEL, "text", "A")).extracting(StoredDocument::id).containsExactly("A");
  }
}
