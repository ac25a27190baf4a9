package io.orchestrix.projection.test.internal;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spi.ProjectionStore;
import io.orchestrix.projection.spi.StoredDocument;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a projection holds in a store, in a form two runs can be compared by: every document of its
 * read models as canonical JSON, its checkpoint and health, and its dead letters (position, handler,
 * error type, parked or not). Times are left out: they say when a run happened, not what it computed.
 * Immutable.
 *
 * @param readModels documents by read model, then by id, as canonical JSON
 * @param checkpoint the projection's checkpoint
 * @param failedPosition where it is stopped, 0 if healthy
 * @param deadLetters one line per dead letter, by position
 */
public record StoreSnapshot(Map<String, Map<String, String>> readModels, long checkpoint,
    long failedPosition, List<String> deadLetters) {

  /** Reads the snapshot of a projection from a store. */
  public static StoreSnapshot of(ProjectionStore store, String projectionId,
      List<ReadModel<?>> readModels) {
    Map<String, Map<String, String>> documents = new TreeMap<>();
    for (ReadModel<?> readModel : readModels) {
      Map<String, String> byId = new TreeMap<>();
      String after = null;
      List<StoredDocument> page;
      do {
        page = store.page(readModel.name(), after, 500);
        for (StoredDocument document : page) {
          byId.put(document.id(), JsonDiff.canonical(document.json()));
        }
        after = page.isEmpty() ? after : page.get(page.size() - 1).id();
      } while (page.size() == 500);
      documents.put(readModel.name(), byId);
    }
    ProjectionState state = store.loadState(projectionId)
        .orElse(ProjectionState.initial(projectionId, java.time.Instant.EPOCH));
    List<String> letters = new ArrayList<>();
    for (DeadLetter letter : store.deadLetters(projectionId)) {
      letters.add(letter.position() + " " + letter.eventId() + " " + letter.handler() + " "
          + letter.errorType());
    }
    return new StoreSnapshot(documents, state.lastProcessedPosition(), state.failedPosition(),
        List.copyOf(letters));
  }

  /**
   * This snapshot with only the read models: for comparing runs that gave the same events other
   * positions.
   */
  public StoreSnapshot withoutPositions() {
    return new StoreSnapshot(readModels, 0, 0, List.of());
  }

  /** A SHA-256 over everything in the snapshot, as hex: equal snapshots give equal digests. */
  public String digest() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      readModels.forEach((name, documents) -> documents.forEach((id, json) ->
          sha.update((name + '\u0000' + id + '\u0000' + json + '\n').getBytes(StandardCharsets.UTF_8))));
      sha.update(("checkpoint " + checkpoint + " failed " + failedPosition + '\n')
          .getBytes(StandardCharsets.UTF_8));
      deadLetters.forEach(line -> sha.update((line + '\n').getBytes(StandardCharsets.UTF_8)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /**
   * How another snapshot differs from this one, at most {@code limit} items, each naming the read
   * model and document and showing the JSON difference; empty if they are equal.
   */
  public List<String> differencesTo(StoreSnapshot other, int limit) {
    List<String> out = new ArrayList<>();
    TreeSet<String> names = new TreeSet<>(readModels.keySet());
    names.addAll(other.readModels.keySet());
    for (String name : names) {
      Map<String, String> mine = readModels.getOrDefault(name, Map.of());
      Map<String, String> theirs = other.readModels.getOrDefault(name, Map.of());
      TreeSet<String> ids = new TreeSet<>(mine.keySet());
      ids.addAll(theirs.keySet());
      for (String id : ids) {
        if (out.size() >= limit) {
          return out;
        }
        String a = mine.get(id);
        String b = theirs.get(id);
        if (a == null) {
          out.add("read model '" + name + "' document '" + id + "': only in the second run: " + b);
        } else if (b == null) {
          out.add("read model '" + name + "' document '" + id + "': only in the first run: " + a);
        } else if (!a.equals(b)) {
          out.add("read model '" + name + "' document '" + id + "' differs:\n    "
              + String.join("\n    ", JsonDiff.differences(a, b)));
        }
      }
    }
    if (checkpoint != other.checkpoint || failedPosition != other.failedPosition) {
      out.add("checkpoint " + checkpoint + " (stopped at " + failedPosition + ") vs "
          + other.checkpoint + " (stopped at " + other.failedPosition + ")");
    }
    if (!deadLetters.equals(other.deadLetters)) {
      out.add("dead letters " + deadLetters + " vs " + other.deadLetters);
    }
    return out;
  }
}
