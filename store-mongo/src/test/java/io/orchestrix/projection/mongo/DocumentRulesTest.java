package io.orchestrix.projection.mongo;

import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What MongoDB can hold: exact numbers, field names, the 16 MiB limit, well-formed JSON. */
class DocumentRulesTest {

  private static final String PROJECTION = "rules";
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
  void open() {
    prefix = TestMongo.freshPrefix();
    store = MongoProjectionStore.open(server.uri(), TestMongo.options(prefix).build());
    store.prepareReadModel(new ReadModelSchema("orders", List.of("status")));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  @DisplayName("decimal numbers read back digit for digit and are stored as Decimal128")
  void decimalsAreExact() {
    String json = "{\"total\":269.97,\"sum\":0.30000000000000004,\"tenth\":0.1,\"scaled\":2.50,"
        + "\"tiny\":1E-7,\"money\":1000000000000000.01,\"int\":42,\"long\":9007199254740993,"
        + "\"huge\":123456789012345678901234567890,\"negative\":-17.125,"
        + "\"nested\":{\"lines\":[19.99,{\"price\":0.2,\"note\":null}],\"ok\":true},\"text\":\"a\\\"b\"}";
    commitOne(doc("o-1", json, Map.of("status", "PAID"), 1));

    String back = store.find("orders", "o-1").orElseThrow().json();

    assertThat(back).isEqualTo(json);
    BsonDocument raw = rawDocument("o-1").getDocument("latest");
    assertThat(raw.getDocument("doc").get("total").getBsonType()).isEqualTo(BsonType.DECIMAL128);
    assertThat(raw.getDocument("doc").get("int").getBsonType()).isEqualTo(BsonType.INT32);
    assertThat(raw.getDocument("doc").get("long").getBsonType()).isEqualTo(BsonType.INT64);
    assertThat(raw.getDocument("index").getString("status").getValue()).isEqualTo("PAID");
    assertThat(raw.getInt64("position").getValue()).isEqualTo(1);
  }

  @Test
  @DisplayName("a number no Decimal128 holds exactly is refused before any write")
  void tooPreciseNumberRefused() {
    StoredDocument precise = doc("o-1", "{\"x\":0.123456789012345678901234567890123456789}", Map.of(), 1);

    assertThatThrownBy(() -> store.checkDocument("orders", precise))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("'orders'").hasMessageContaining("'o-1'").hasMessageContaining("Decimal128");
    assertRefusedWithoutWrites(precise);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "{\"a.b\":1}", "{\"$set\":1}", "{\"outer\":{\"$inner\":1}}", "{\"list\":[1,{\"dot.ted\":2}]}"})
  @DisplayName("a field name MongoDB refuses is refused before any write, naming read model, id and field")
  void badFieldNamesRefused(String json) {
    StoredDocument bad = doc("o-1", json, Map.of(), 1);

    assertThatThrownBy(() -> store.checkDocument("orders", bad))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("read model 'orders'").hasMessageContaining("document 'o-1'")
        .hasMessageContaining("field name");
    assertRefusedWithoutWrites(bad);
  }

  @Test
  @DisplayName("a NUL in a field name, raw or escaped, is refused before any write")
  void nulInFieldNameRefused() {
    for (String json : List.of("{\"nul\\u0000name\":1}", "{\"nul\u0000name\":1}")) {
      StoredDocument bad = doc("o-1", json, Map.of(), 1);

      assertThatThrownBy(() -> store.checkDocument("orders", bad))
          .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("U+0000");
      assertRefusedWithoutWrites(bad);
    }
  }

  @Test
  @DisplayName("the message points at the refused field inside arrays and objects")
  void refusedFieldIsLocated() {
    assertThatThrownBy(() -> store.checkDocument("orders",
        doc("o-1", "{\"list\":[1,{\"ok\":{\"dot.ted\":2}}]}", Map.of(), 1)))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("'/list/1/ok/dot.ted'");
  }

  @Test
  @DisplayName("nesting deeper than MongoDB's 100 levels (3 taken by the layout) is refused; 97 is stored")
  void nestingLimit() {
    StoredDocument deepest = doc("deep", nested(97), Map.of(), 1);
    store.checkDocument("orders", deepest);
    commitOne(deepest);
    assertThat(store.find("orders", "deep").orElseThrow().json()).isEqualTo(deepest.json());

    StoredDocument tooDeep = doc("too-deep", nested(98), Map.of(), 1);
    assertThatThrownBy(() -> store.checkDocument("orders", tooDeep))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("100 levels");
  }

  private static String nested(int levels) {
    return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
  }

  @Test
  @DisplayName("dollars and dots inside names where MongoDB allows them are kept")
  void harmlessNamesKept() {
    StoredDocument fine = doc("o-1", "{\"price$\":1,\"a-b_c\":{\"x y\":2}}", Map.of(), 1);
    commitOne(fine);

    assertThat(store.find("orders", "o-1").orElseThrow().json()).isEqualTo(fine.json());
  }

  @Test
  @DisplayName("a document over 16 MiB is refused before any write; one just under it is stored")
  void sizeLimit() {
    String over = "{\"blob\":\"" + "x".repeat(16 * 1024 * 1024) + "\"}";
    StoredDocument tooBig = doc("big", over, Map.of(), 1);
    assertThatThrownBy(() -> store.checkDocument("orders", tooBig))
        .isInstanceOf(InvalidDocumentException.class)
        .hasMessageContaining("'big'").hasMessageContaining("16 MiB");
    assertRefusedWithoutWrites(tooBig);

    StoredDocument nearLimit = doc("near", "{\"blob\":\"" + "y".repeat(16 * 1024 * 1024 - 200) + "\"}",
        Map.of(), 1);
    store.checkDocument("orders", nearLimit);
    commitOne(nearLimit);
    assertThat(store.find("orders", "near").orElseThrow().json()).hasSize(nearLimit.json().length());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"[1,2]", "\"text\"", "{\"a\":", "{\"a\":1} trailing", "{\"a\":1,\"a\":2}", ""})
  @DisplayName("text that is not one JSON object is refused")
  void notAnObjectRefused(String json) {
    StoredDocument bad = doc("o-1", json, Map.of(), 1);

    assertThatThrownBy(() -> store.checkDocument("orders", bad))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("JSON");
  }

  private void assertRefusedWithoutWrites(StoredDocument bad) {
    StoredDocument good = doc("good", "{\"ok\":true}", Map.of("status", "OK"), 1);
    long token = store.claimWriter(PROJECTION);
    assertThatThrownBy(() -> store.commit(commit(PROJECTION, token, 0, 1,
        List.of(put("orders", good), put("orders", bad)))))
        .isInstanceOf(InvalidDocumentException.class);
    assertThat(store.count("orders")).as("documents after the refused commit").isZero();
    assertThat(store.loadState(PROJECTION).orElseThrow().lastProcessedPosition()).isZero();
  }

  private void commitOne(StoredDocument document) {
    long token = store.claimWriter(PROJECTION);
    long from = store.loadState(PROJECTION).orElseThrow().lastProcessedPosition();
    store.commit(commit(PROJECTION, token, from, from + 1, List.of(put("orders", document))));
  }

  private BsonDocument rawDocument(String id) {
    try (MongoClient client = MongoClients.create(server.uri())) {
      return client.getDatabase(server.database())
          .getCollection(prefix + "rm_orders", BsonDocument.class)
          .find(new BsonDocument("_id", new org.bson.BsonString(id))).first();
    }
  }
}
