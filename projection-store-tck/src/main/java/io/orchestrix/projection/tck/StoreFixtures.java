package io.orchestrix.projection.tck;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Builders and comparisons the contract kit uses, public so that a store's own tests can use them
 * too. Documents are compared by the meaning of their JSON, since a store may normalise the text
 * (PostgreSQL {@code jsonb} reorders keys and adds spaces). Stateless and thread-safe.
 */
public final class StoreFixtures {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A fixed instant with nanoseconds, so that a store that truncates time is caught. */
  public static final Instant T0 = Instant.parse("2026-03-01T10:15:30.123456789Z");

  private StoreFixtures() {}

  /**
   * A document with the given JSON, index values and position.
   *
   * @param id the document's id
   * @param json its JSON object text
   * @param indexValues index name to value
   * @param position the position of the last event that changed it
   * @return the document
   */
  public static StoredDocument doc(String id, String json, Map<String, String> indexValues, long position) {
    return new StoredDocument(id, json, indexValues, position);
  }

  /**
   * A small order-like document: {@code {"id":..,"status":..,"customer":..,"total":..}}.
   *
   * @param id the order's id, also the document's
   * @param status the order's status, indexed as {@code status}
   * @param customer the customer's id, indexed as {@code customer_id}
   * @param total the order's total
   * @param position the position of the last event that changed it
   * @return the document
   */
  public static StoredDocument order(String id, String status, String customer, long total, long position) {
    String json = "{\"id\":" + quote(id) + ",\"status\":" + quote(status) + ",\"customer\":"
        + quote(customer) + ",\"total\":" + total + "}";
    return new StoredDocument(id, json, Map.of("status", status, "customer_id", customer), position);
  }

  /**
   * A JSON string literal.
   *
   * @param text the text; not null
   * @return the text as a quoted, escaped JSON string
   */
  public static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * One change to one document, for building commits in tests.
   *
   * @param readModel the read model
   * @param id the document's id
   * @param document the document to put, or null to delete
   */
  public record Change(String readModel, String id, @Nullable StoredDocument document) {}

  /**
   * A put change.
   *
   * @param readModel the read model
   * @param document the document to put
   * @return the change
   */
  public static Change put(String readModel, StoredDocument document) {
    return new Change(readModel, document.id(), document);
  }

  /**
   * A delete change.
   *
   * @param readModel the read model
   * @param id the id of the document to delete
   * @return the change
   */
  public static Change delete(String readModel, String id) {
    return new Change(readModel, id, null);
  }

  /**
   * Changes grouped by read model, one per id (a later change to an id replaces an earlier one).
   *
   * @param changes the changes, in order
   * @return one {@link ReadModelChanges} per read model, in order of first appearance
   */
  public static List<ReadModelChanges> grouped(List<Change> changes) {
    Map<String, Map<String, Change>> byReadModel = new LinkedHashMap<>();
    for (Change change : changes) {
      byReadModel.computeIfAbsent(change.readModel(), name -> new LinkedHashMap<>())
          .put(change.id(), change);
    }
    List<ReadModelChanges> grouped = new ArrayList<>();
    byReadModel.forEach((readModel, last) -> grouped.add(new ReadModelChanges(readModel,
        last.values().stream().filter(c -> c.document() != null).map(Change::document).toList(),
        last.values().stream().filter(c -> c.document() == null).map(Change::id).toList())));
    return grouped;
  }

  /**
   * The state after processing up to a position.
   *
   * @param projectionId the projection
   * @param position the checkpoint, 1 or more
   * @return a healthy state at that checkpoint, its event id {@code event-<position>}
   */
  public static ProjectionState stateAt(String projectionId, long position) {
    return ProjectionState.initial(projectionId, T0)
        .processed("event-" + position, position, T0.plusSeconds(position));
  }

  /**
   * A commit moving the checkpoint from {@code from} to {@code to} with these changes.
   *
   * @param projectionId the projection
   * @param token the writer's fencing token
   * @param from the checkpoint the writer started from
   * @param to the new checkpoint
   * @param changes the document changes
   * @return the commit
   */
  public static Commit commit(String projectionId, long token, long from, long to, List<Change> changes) {
    return Commit.batch(token, from, stateAt(projectionId, to), grouped(changes));
  }

  /**
   * A batch commit of these changes, grouped as {@link #grouped} groups them.
   *
   * @param token the writer's fencing token
   * @param from the checkpoint the writer started from
   * @param state the new state
   * @param changes the document changes
   * @return the commit
   */
  public static Commit batch(long token, long from, ProjectionState state, List<Change> changes) {
    return Commit.batch(token, from, state, grouped(changes));
  }

  /**
   * A dead letter at a position.
   *
   * @param projectionId the projection
   * @param position the event's position, 1 or more
   * @return a dead letter whose texts hold non-ASCII characters, so a store that mangles them is
   *     caught
   */
  public static DeadLetter deadLetter(String projectionId, long position) {
    return new DeadLetter(projectionId, position, "event-" + position, "stream-" + position % 3,
        "com.example.OrderPlaced", "{\"position\":" + position + ",\"payload\":{\"n\":\"ünï\"}}",
        "OrderHandler#on", "java.lang.IllegalStateException", "failed at " + position,
        "java.lang.IllegalStateException: failed\n\tat com.example.OrderHandler.on(OrderHandler.java:"
            + position + ")",
        (int) (position % 4) + 1, T0.plusMillis(position), T0.plusSeconds(position));
  }

  /**
   * The JSON tree of a text, for comparisons by meaning.
   *
   * @param json the text to parse
   * @return its JSON tree
   * @throws AssertionError if the text is not JSON
   */
  public static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new AssertionError("the store returned text that is not JSON: " + abbreviate(json), e);
    }
  }

  /**
   * Asserts that a stored document has the expected id, JSON meaning, index values and position.
   *
   * @param actual the document the store returned, or null
   * @param expected the document written
   * @throws AssertionError naming the document and what differs; a position of 0 (not kept) is
   *     accepted
   */
  public static void assertSameDocument(@Nullable StoredDocument actual, StoredDocument expected) {
    assertThat(actual).as("document '%s'", abbreviate(expected.id())).isNotNull();
    assertThat(actual.id()).isEqualTo(expected.id());
    assertThat(tree(actual.json())).as("JSON of document '%s'", abbreviate(expected.id()))
        .isEqualTo(tree(expected.json()));
    assertThat(actual.indexValues()).as("index values of document '%s'", abbreviate(expected.id()))
        .isEqualTo(expected.indexValues());
    if (actual.position() != 0) {
      assertThat(actual.position()).as("position of document '%s' (0 means not kept)",
          abbreviate(expected.id())).isEqualTo(expected.position());
    }
  }

  /**
   * A comparable view of a document: id, JSON tree, index values.
   *
   * @param document the document
   * @return its id, JSON tree and sorted index values
   */
  public static Map<String, Object> comparable(StoredDocument document) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("id", document.id());
    view.put("json", tree(document.json()));
    view.put("indexValues", new TreeMap<>(document.indexValues()));
    return view;
  }

  /**
   * Every document of a read model, read by paging, as comparable views by id.
   *
   * @param store the store
   * @param readModel the read model
   * @return its documents' comparable views, by id
   * @throws AssertionError if paging returns a document twice
   */
  public static Map<String, Map<String, Object>> contents(ProjectionStore store, String readModel) {
    Map<String, Map<String, Object>> all = new TreeMap<>();
    String after = null;
    while (true) {
      List<StoredDocument> page = store.page(readModel, after, 100);
      for (StoredDocument document : page) {
        Object previous = all.put(document.id(), comparable(document));
        assertThat(previous).as("paging returned document '%s' twice", document.id()).isNull();
      }
      if (page.size() < 100) {
        return all;
      }
      after = page.get(page.size() - 1).id();
    }
  }

  /**
   * Everything a projection has in a store: its state, dead letters and the given read models.
   *
   * @param store the store
   * @param projectionId the projection
   * @param readModels the read models to include
   * @return a comparable map of state, dead letters and read models
   */
  public static Map<String, Object> snapshot(ProjectionStore store, String projectionId, Set<String> readModels) {
    Map<String, Object> snapshot = new TreeMap<>();
    snapshot.put("state", store.loadState(projectionId)
        .map(s -> s.lastProcessedPosition() + "/" + s.lastProcessedEventId() + "/" + s.healthy())
        .orElse("none"));
    snapshot.put("deadLetters", new ArrayList<>(store.deadLetters(projectionId)));
    for (String readModel : readModels) {
      snapshot.put("readModel:" + readModel, contents(store, readModel));
    }
    return snapshot;
  }

  /**
   * Ids that need escaping in keys, queries or URLs: quotes, {@code %}, {@code /}, {@code :}, spaces
   * (leading, trailing), case, control characters, combining marks, and the longest ids allowed.
   *
   * @return the ids, each valid
   */
  public static List<String> awkwardIds() {
    return List.of("with space", " leading", "trailing ", "a", "A", "a ", "quote'single", "quote\"double",
        "back\\slash", "per%cent", "under_score", "slash/and/more", "colon:and:more", "semi;colon",
        "star*", "question?", "hash#", "amp&eq=", "curly{}", "bracket[0]", "new\nline", "tab\tchar",
        "ünïcödé", "日本語", "emoji-🎉", "ñ", "n\u0303", "x".repeat(StoredDocument.MAX_ID_LENGTH),
        "é".repeat(StoredDocument.MAX_ID_LENGTH));
  }

  /**
   * A text for messages: quoted, with every character outside printable ASCII written as
   * {@code \\uXXXX} (so that case, spaces, surrogates and look-alikes show), at most 80 characters.
   *
   * @param text the text
   * @return the text as shown in messages
   */
  public static String visible(String text) {
    StringBuilder shown = new StringBuilder("'");
    int i = 0;
    for (; i < text.length() && shown.length() < 80; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        shown.append(c);
      } else {
        shown.append(String.format("\\u%04X", (int) c));
      }
    }
    return i == text.length() ? shown.append('\'').toString()
        : shown.append("...' (").append(text.length()).append(" chars)").toString();
  }

  /**
   * At most 60 characters of a text, for messages.
   *
   * @param text the text
   * @return the text, or its first 57 characters and {@code ...}
   */
  public static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }
}
