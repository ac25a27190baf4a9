package io.orchestrix.projection.tck;

import static io.orchestrix.projection.tck.ContractSupport.ids;
import static io.orchestrix.projection.tck.ContractSupport.pagedIds;
import static io.orchestrix.projection.tck.ContractSupport.seed;
import static io.orchestrix.projection.tck.StoreFixture.PROJECTION;
import static io.orchestrix.projection.tck.StoreFixtures.abbreviate;
import static io.orchestrix.projection.tck.StoreFixtures.assertSameDocument;
import static io.orchestrix.projection.tck.StoreFixtures.awkwardIds;
import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.delete;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.quote;
import static io.orchestrix.projection.tck.StoreFixtures.snapshot;
import static io.orchestrix.projection.tck.StoreFixtures.visible;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import io.orchestrix.projection.tck.StoreFixtures.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The one text rule ({@link io.orchestrix.projection.spi.StorableText}) on every store alike: ids,
 * index values and JSON string values holding U+0000 or an unpaired surrogate are refused with
 * {@link InvalidDocumentException} before anything is written; every other code point is stored and
 * read back exactly, and two texts that differ in any code point (case, trailing spaces,
 * non-characters, characters outside the Basic Multilingual Plane, combining marks) are two ids, two
 * index values, never one. A store whose collation or key encoding merges them fails here.
 */
public interface TextContract {

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /** Texts no store can keep, by what they hold. */
  private static Map<String, String> unstorableTexts() {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("a lone high surrogate", "a\uD83Db");
    texts.put("a high surrogate at the end", "ab\uD83D");
    texts.put("a lone low surrogate", "a\uDE00b");
    texts.put("surrogates in the wrong order", "a\uDE00\uD83Db");
    texts.put("U+0000", "a\u0000b");
    return texts;
  }

  /**
   * Texts every store keeps exactly and apart: each differs from another only in case, trailing
   * spaces, a non-character, an astral character, a combining mark or its last character, and the
   * longest are 512 UTF-16 units of 3- and 4-byte UTF-8.
   */
  private static List<String> distinctTexts() {
    String threeBytes = "日".repeat(StoredDocument.MAX_ID_LENGTH);
    String fourBytes = "😀".repeat(StoredDocument.MAX_ID_LENGTH / 2);
    StringBuilder mixed = new StringBuilder();
    while (mixed.length() < StoredDocument.MAX_ID_LENGTH - 1) {
      mixed.append(mixed.length() % 3 == 0 ? "😀" : "本");
    }
    while (mixed.length() < StoredDocument.MAX_ID_LENGTH) {
      mixed.append('語');
    }
    return List.of("k", "K", "k ", "k  ", " k", "k\t",
        "\uFFFE", "\uFFFF", "k\uFFFE", "k\uFFFF", "k\uFFFD", "k?",
        "😀", "😁", "k😀", "k😁", "k\uD800\uDC00", "k\uDBFF\uDFFF", "k\uE000", "k\uFFEE",
        "é", "e\u0301", "ǅ", "ǆ", "ß", "ss", "ﬁ", "fi",
        threeBytes, threeBytes.substring(1) + "本", fourBytes, fourBytes.substring(2) + "😁",
        mixed.toString());
  }

  /** Contract: Unicode in documents, ids and index values round-trips. */
  @Test
  @DisplayName("unicode in documents, ids and index values round-trips")
  default void unicodeRoundTrips() {
    StoredDocument document = doc("ключ-🔑-日本", "{\"name\":\"Zoë Ünïcödé 日本語 🎉\",\"quote\":\"\\\"q\\\"\",\"tab\":\"a\\tb\"}",
        Map.of("status", "ÉTAT-✓", "customer_id", "客户-𝄞"), 1);
    seed(fixture().store(), "orders", List.of(document));

    assertSameDocument(fixture().store().find("orders", document.id()).orElse(null), document);
    assertThat(ids(fixture().store().findByIndex("orders", "status", "ÉTAT-✓"))).containsExactly(document.id());
    assertThat(ids(fixture().store().findByIndex("orders", "customer_id", "客户-𝄞"))).containsExactly(document.id());
  }

  /** Contract: ids that need escaping are kept apart and found exactly. */
  @Test
  @DisplayName("ids that need escaping are kept apart and found exactly")
  default void awkwardIdsRoundTrip() {
    List<String> awkward = awkwardIds();
    seed(fixture().store(), "orders", awkward.stream()
        .map(id -> doc(id, "{\"id\":" + quote(id) + "}", Map.of("status", id), 1))
        .collect(Collectors.toList()));

    assertThat(fixture().store().count("orders")).isEqualTo(awkward.size());
    for (String id : awkward) {
      StoredDocument found = fixture().store().find("orders", id).orElse(null);
      assertThat(found).as("document '%s'", abbreviate(id)).isNotNull();
      assertThat(found.id()).isEqualTo(id);
      assertThat(ids(fixture().store().findByIndex("orders", "status", id))).as("index value '%s'", abbreviate(id))
          .containsExactly(id);
    }
    assertThat(fixture().store().findAll("orders", awkward).keySet()).containsExactlyInAnyOrderElementsOf(awkward);
    assertThat(fixture().store().find("orders", "%")).as("no pattern matching on ids").isEmpty();
    assertThat(fixture().store().find("orders", "*")).isEmpty();
  }

  /**
   * Contract: ids, index values and JSON string values holding U+0000 or an unpaired surrogate are
   * refused with InvalidDocumentException, and nothing is written.
   */
  @Test
  @DisplayName("ids, index values and JSON string values holding U+0000 or an unpaired surrogate are refused with InvalidDocumentException, and nothing is written")
  default void unstorableTextRefused() {
    ProjectionStore store = fixture().store();
    seed(store, "orders", List.of(doc("kept", "{\"v\":\"kept\"}", Map.of("status", "kept"), 1)));
    Map<String, Object> before = snapshot(store, PROJECTION, Set.of("orders", "notes"));
    StoredDocument good = doc("good", "{\"v\":\"good\"}", Map.of("status", "good"), 1);
    Map<String, Supplier<List<Change>>> commits = new LinkedHashMap<>();
    unstorableTexts().forEach((what, text) -> {
      commits.put("an id holding " + what,
          () -> List.of(put("orders", good), put("notes", doc(text, "{}", Map.of(), 1))));
      commits.put("a delete of an id holding " + what, () -> List.of(put("notes", good), delete("orders", text)));
      commits.put("an index value holding " + what,
          () -> List.of(put("notes", good), put("orders", doc("bad", "{}", Map.of("status", text), 1))));
      for (String json : List.of("{\"v\":" + jsonString(text) + "}", "{" + jsonString(text) + ":1}",
          "{\"list\":[\"x\"," + jsonString(text) + "]}")) {
        commits.put("JSON " + visible(json) + " holding " + what,
            () -> List.of(put("notes", good), put("orders", doc("bad", json, Map.of("status", "bad"), 1))));
      }
    });
    commits.put("JSON holding an escaped U+0000",
        () -> List.of(put("orders", good), put("notes", doc("bad", "{\"v\":\"a\\u0000b\"}", Map.of(), 1))));
    SoftAssertions softly = new SoftAssertions();

    int each = 0;
    for (Map.Entry<String, Supplier<List<Change>>> refused : commits.entrySet()) {
      String projection = "text-" + each++;
      long token = store.claimWriter(projection);
      softly.assertThat(catchThrowable(() -> store.commit(commit(projection, token, 0, 1, refused.getValue().get()))))
          .as("a commit of %s", refused.getKey()).isInstanceOf(InvalidDocumentException.class);
    }
    unstorableTexts().forEach((what, text) -> {
      StoredDocument bad = doc("bad", "{\"v\":" + jsonString(text) + "}", Map.of(), 1);
      softly.assertThat(catchThrowable(() -> store.checkDocument("orders", bad)))
          .as("checkDocument of JSON holding %s", what).isInstanceOf(InvalidDocumentException.class);
    });
    softly.assertAll();

    assertThat(snapshot(fixture().anotherStore(), PROJECTION, Set.of("orders", "notes")))
        .as("the store after the refused commits").isEqualTo(before);
  }

  /**
   * Contract: ids that differ only in case, trailing spaces, non-characters, astral characters or
   * combining marks, and 512-character multi-byte ids, are distinct documents, read back exactly.
   */
  @Test
  @DisplayName("ids that differ only in case, trailing spaces, non-characters, astral characters or combining marks, and 512-character multi-byte ids, are distinct documents, read back exactly")
  default void distinctIdsStayDistinct() {
    List<String> ids = distinctTexts();
    List<StoredDocument> documents = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      documents.add(doc(ids.get(i), "{\"id\":" + quote(ids.get(i)) + ",\"n\":" + i + "}",
          Map.of("customer_id", "shared", "status", "n-" + i), 1));
    }
    seed(fixture().store(), "orders", documents);
    ProjectionStore reader = fixture().anotherStore();
    SoftAssertions softly = new SoftAssertions();

    softly.assertThat(reader.count("orders")).as("count").isEqualTo(ids.size());
    for (StoredDocument expected : documents) {
      StoredDocument found = reader.find("orders", expected.id()).orElse(null);
      softly.assertThat(found).as("find %s", visible(expected.id())).isNotNull();
      if (found != null) {
        softly.assertThat(found.id()).as("id found by %s", visible(expected.id())).isEqualTo(expected.id());
        softly.assertThat(StoreFixtures.tree(found.json()))
            .as("JSON of %s (the other documents hold other numbers)", visible(expected.id()))
            .isEqualTo(StoreFixtures.tree(expected.json()));
      }
    }
    softly.assertThat(reader.findAll("orders", ids).keySet()).as("findAll")
        .containsExactlyInAnyOrderElementsOf(ids);
    softly.assertThat(ids(reader.findByIndex("orders", "customer_id", "shared"))).as("findByIndex")
        .containsExactlyInAnyOrderElementsOf(ids);
    for (int pageSize : new int[] {1, 5, 1000}) {
      softly.assertThat(pagedIds(reader, "orders", pageSize)).as("paging by %d", pageSize)
          .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
    }
    softly.assertAll();
  }

  /**
   * Contract: index values that differ only in case, trailing spaces, non-characters, astral
   * characters or combining marks each match only their own document.
   */
  @Test
  @DisplayName("index values that differ only in case, trailing spaces, non-characters, astral characters or combining marks each match only their own document")
  default void distinctIndexValuesStayDistinct() {
    List<String> values = distinctTexts();
    List<StoredDocument> documents = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      documents.add(doc("d-" + i, "{\"status\":" + quote(values.get(i)) + "}", Map.of("status", values.get(i)), 1));
    }
    seed(fixture().store(), "orders", documents);
    ProjectionStore reader = fixture().anotherStore();
    SoftAssertions softly = new SoftAssertions();

    for (StoredDocument expected : documents) {
      String value = expected.indexValues().get("status");
      softly.assertThat(ids(reader.findByIndex("orders", "status", value)))
          .as("documents under %s", visible(value)).containsExactly(expected.id());
      softly.assertThat(reader.find("orders", expected.id()).map(StoredDocument::indexValues).orElse(Map.of()))
          .as("index values of %s", expected.id()).isEqualTo(expected.indexValues());
    }
    softly.assertAll();
  }

  /**
   * Contract: a lookup by an id or index value that no store could hold finds nothing and raises
   * nothing.
   */
  @Test
  @DisplayName("a lookup by an id or index value that no store could hold finds nothing and raises nothing")
  default void unstorableLookupsFindNothing() {
    seed(fixture().store(), "orders", List.of(
        doc("ab", "{}", Map.of("status", "ab"), 1), doc("a", "{}", Map.of("status", "a"), 1),
        doc("a?", "{}", Map.of("status", "a?"), 1), doc("a\uFFFDb", "{}", Map.of("status", "a\uFFFDb"), 1),
        doc("a?b", "{}", Map.of("status", "a?b"), 1)));
    ProjectionStore reader = fixture().anotherStore();
    SoftAssertions softly = new SoftAssertions();

    unstorableTexts().forEach((what, text) -> {
      softly.assertThat(outcome(() -> reader.find("orders", text)))
          .as("find by an id holding %s", what).isEqualTo(Optional.empty());
      softly.assertThat(outcome(() -> reader.findAll("orders", List.of("ab", text)).keySet()))
          .as("findAll of 'ab' and an id holding %s", what).isEqualTo(Set.of("ab"));
      softly.assertThat(outcome(() -> reader.findByIndex("orders", "status", text)))
          .as("findByIndex by a value holding %s", what).isEqualTo(List.of());
    });
    softly.assertAll();
  }

  /** What a call returned, or what it raised as text, so that an assertion shows either. */
  private static Object outcome(Supplier<?> call) {
    try {
      return call.get();
    } catch (RuntimeException raised) {
      return "raised " + raised;
    }
  }

  /** A JSON string literal holding the text's characters as they are, unescaped. */
  private static String jsonString(String text) {
    return "\"" + text + "\"";
  }
}
