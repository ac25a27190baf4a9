package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.redis.internal.DocumentEncoding;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.StoreFixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * Ids and index values are kept byte for byte, on every path they take: the key of an index value's
 * set (built with ':' separators, never escaped), the index section in front of a document's JSON
 * (parsed by the commit script in Lua and by the store in Java), the paging order of
 * {@code ZRANGEBYLEX}, and the replies of the scripts. Two texts that differ in any character are two
 * documents, two values and two keys.
 */
class ExactTextTest {

  /** Texts that differ from one another only a little, or look like parts of keys or sections. */
  static final List<String> LOOKALIKES = List.of(
      "a", "A", "a ", " a", "a  ", "a\t", "a\n", "\u00e9", "e\u0301", "\uFFFE", "\uFFFF",
      "a\uFFFE", "a\uFFFF", "\uD83D\uDE00", "\uD83D\uDE01", "\uD800\uDC00", "\uDBFF\uDFFF",
      "\uFF5E", "-", "+", "[a", "(a", "*", "?", "%", ":", "::", "a:", ":a", "a:b", "docs", "ids",
      "indexes", "vals:status", "ix:status:a", "0:", "1:", "1:status:1:a", "2:status:1:a",
      "status:1:a", "10", "01", "9", "\u00a0", "\u200b", "a\u200b",
      "\u00e9".repeat(StoredDocument.MAX_ID_LENGTH),
      "\u00e9".repeat(StoredDocument.MAX_ID_LENGTH - 1) + "e",
      "\u65e5".repeat(StoredDocument.MAX_ID_LENGTH),
      "\uD83D\uDE00".repeat(StoredDocument.MAX_ID_LENGTH / 2),
      "\uD83D\uDE00".repeat(StoredDocument.MAX_ID_LENGTH / 2 - 1) + "\uD83D\uDE01");

  static final ReadModelSchema TEXTS =
      new ReadModelSchema("texts", List.of("status", "tag", "tag_2"));

  private String prefix;
  private RedisProjectionStore store;
  private long token;
  private long checkpoint;

  @BeforeEach
  void openStore() {
    assertThat(new HashSet<>(LOOKALIKES)).as("the texts are distinct").hasSameSizeAs(LOOKALIKES);
    prefix = RedisTestServer.uniquePrefix();
    store = RedisTestServer.open(prefix);
    store.prepareReadModel(TEXTS);
    token = store.claimWriter("p1");
  }

  @AfterEach
  void closeStore() {
    store.close();
    RedisTestServer.deleteKeys(prefix);
  }

  private void commit(List<StoreFixtures.Change> changes) {
    store.commit(StoreFixtures.batch(token, checkpoint, at("p1", checkpoint + 1), changes));
    checkpoint++;
  }

  private static StoredDocument document(String id, Map<String, String> indexValues, long position) {
    return new StoredDocument(id, "{\"id\":" + StoreFixtures.quote(id) + "}", indexValues, position);
  }

  private static List<String> ids(List<StoredDocument> documents) {
    return documents.stream().map(StoredDocument::id).toList();
  }

  @Test
  void idsThatDifferInAnyCharacterAreDistinctDocumentsFoundExactly() {
    List<StoreFixtures.Change> changes = new ArrayList<>();
    for (String id : LOOKALIKES) {
      changes.add(StoreFixtures.put("texts", document(id, Map.of(), 1)));
    }
    commit(changes);

    assertThat(store.count("texts")).isEqualTo(LOOKALIKES.size());
    try (RedisProjectionStore reader = RedisTestServer.open(prefix)) {
      reader.prepareReadModel(TEXTS);
      for (String id : LOOKALIKES) {
        StoredDocument found = reader.find("texts", id).orElse(null);
        assertThat(found).as("document %s", codePoints(id)).isNotNull();
        assertThat(found.id()).isEqualTo(id);
        assertThat(found.json()).isEqualTo("{\"id\":" + StoreFixtures.quote(id) + "}");
      }
      assertThat(reader.findAll("texts", LOOKALIKES)).containsOnlyKeys(LOOKALIKES);
      assertThat(reader.find("texts", "b")).isEmpty();
      assertThat(reader.find("texts", "a   ")).isEmpty();
      assertThat(reader.find("texts", "\u00e9".repeat(StoredDocument.MAX_ID_LENGTH - 1)))
          .isEmpty();
    }
  }

  @Test
  void pagesFollowTheOrderOfUtf8BytesAndAnyIdIsAPlaceToResumeFrom() {
    List<StoreFixtures.Change> changes = new ArrayList<>();
    for (String id : LOOKALIKES) {
      changes.add(StoreFixtures.put("texts", document(id, Map.of(), 1)));
    }
    commit(changes);
    List<String> expected = new ArrayList<>(LOOKALIKES);
    expected.sort((a, b) -> Arrays.compareUnsigned(a.getBytes(UTF_8), b.getBytes(UTF_8)));

    assertThat(ids(store.page("texts", null, 1000))).containsExactlyElementsOf(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(ids(store.page("texts", expected.get(i), 1)))
          .as("the page after %s", codePoints(expected.get(i)))
          .containsExactlyElementsOf(expected.subList(i + 1, Math.min(i + 2, expected.size())));
    }
  }

  @Test
  void indexValuesThatDifferInAnyCharacterHaveSetsOfTheirOwnUnderExactKeys() {
    List<StoreFixtures.Change> changes = new ArrayList<>();
    for (int i = 0; i < LOOKALIKES.size(); i++) {
      String value = LOOKALIKES.get(i);
      changes.add(StoreFixtures.put("texts", document("d" + i,
          Map.of("status", value, "tag", "_2:" + value, "tag_2", value), 1)));
    }
    commit(changes);

    for (int i = 0; i < LOOKALIKES.size(); i++) {
      String value = LOOKALIKES.get(i);
      assertThat(ids(store.findByIndex("texts", "status", value)))
          .as("status %s", codePoints(value)).containsExactly("d" + i);
      assertThat(ids(store.findByIndex("texts", "tag", "_2:" + value))).containsExactly("d" + i);
      assertThat(ids(store.findByIndex("texts", "tag_2", value))).containsExactly("d" + i);
      assertThat(store.find("texts", "d" + i).orElseThrow().indexValues())
          .isEqualTo(Map.of("status", value, "tag", "_2:" + value, "tag_2", value));
    }
    assertThat(store.findByIndex("texts", "status", "a   ")).isEmpty();
    assertThat(store.findByIndex("texts", "tag", "_2")).isEmpty();

    Set<String> expectedKeys = new HashSet<>();
    for (String value : LOOKALIKES) {
      expectedKeys.add(prefix + "rm:texts:ix:status:" + value);
      expectedKeys.add(prefix + "rm:texts:ix:tag:_2:" + value);
      expectedKeys.add(prefix + "rm:texts:ix:tag_2:" + value);
    }
    try (RedisClient raw = RedisTestServer.rawClient()) {
      assertThat(new HashSet<>(RedisTestServer.keys(raw, prefix + "rm:texts:ix:")))
          .as("one set per index value, named by the value's exact bytes")
          .isEqualTo(expectedKeys);
      assertThat(raw.smembers(prefix + "rm:texts:vals:status"))
          .containsExactlyInAnyOrderElementsOf(LOOKALIKES);
    }
  }

  @Test
  void aDocumentMovesBetweenLookalikeValuesAndLeavesNoStaleEntry() {
    String id = "moving";
    List<String> values = List.of("a", "a ", "A", "1:status:1:a", "1:", "\uFFFF", "\uFFFE",
        "\uD83D\uDE00", "a:b", "a");
    for (String value : values) {
      commit(List.of(StoreFixtures.put("texts",
          document(id, Map.of("status", value, "tag", value + ":" + value), checkpoint + 1))));

      for (String other : new HashSet<>(values)) {
        assertThat(ids(store.findByIndex("texts", "status", other)))
            .as("status %s while the document holds %s", codePoints(other), codePoints(value))
            .isEqualTo(other.equals(value) ? List.of(id) : List.of());
      }
      assertThat(ids(store.findByIndex("texts", "tag", value + ":" + value))).containsExactly(id);
    }
    try (RedisClient raw = RedisTestServer.rawClient()) {
      assertThat(RedisTestServer.keys(raw, prefix + "rm:texts:ix:status:"))
          .containsExactly(prefix + "rm:texts:ix:status:a");
      assertThat(raw.smembers(prefix + "rm:texts:vals:status")).containsExactly("a");
    }
  }

  @Test
  void textInTheJsonIsKeptByteForByte() {
    String json = "{\"s\":\"\uFFFE\uFFFF \uD83D\uDE00 e\u0301 \u00e9 \\u0041 \\\" \\\\ \\n\",\"n\":1.50}";
    commit(List.of(StoreFixtures.put("texts", new StoredDocument("j", json, Map.of(), 1))));

    assertThat(store.find("texts", "j").orElseThrow().json()).isEqualTo(json);
  }

  @Test
  void theIndexSectionReadsBackEveryValueExactly() {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < LOOKALIKES.size(); i++) {
      values.put("index_" + i, LOOKALIKES.get(i));
    }
    byte[] section = DocumentEncoding.indexSection(values);
    StoredDocument decoded = DocumentEncoding.decode("id",
        DocumentEncoding.encode(7, section, "{}".getBytes(UTF_8)));

    assertThat(decoded.indexValues()).isEqualTo(values);
    assertThat(decoded.position()).isEqualTo(7);
    assertThat(decoded.json()).isEqualTo("{}");
    Map<String, String> sections = new HashMap<>();
    for (String value : LOOKALIKES) {
      String encoded = new String(DocumentEncoding.indexSection(Map.of("status", value)), UTF_8);
      assertThat(sections.put(encoded, value)).as("the section of %s", codePoints(value)).isNull();
    }
  }

  private static String codePoints(String text) {
    StringBuilder described = new StringBuilder();
    text.codePoints().limit(8).forEach(c -> described.append(String.format("U+%04X ", c)));
    return described.append(text.length() > 8 ? "... (" + text.length() + " chars)" : "").toString();
  }
}
