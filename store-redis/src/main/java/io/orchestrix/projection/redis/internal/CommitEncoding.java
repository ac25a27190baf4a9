package io.orchestrix.projection.redis.internal;

import static io.orchestrix.projection.redis.internal.KeyLayout.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;

import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.ProjectionIds;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arguments of {@code commit.lua} for one commit. Layout of ARGV:
 *
 * <pre>
 * prefix, projectionId, writerToken, expectedPosition, reset (1|0), partition (-1 if none),
 * n, n state field/value pairs, m, m state fields to delete,
 * c, c cleared read-model names,
 * g, g groups of changes, one per read model:
 *     readModel, p, p puts: id documentValue indexSection i (index value)*i,
 *                d, d deleted ids,
 * a, a dead letters: position f (field value)*f,
 * r, r dead-letter positions to remove
 * </pre>
 *
 * <p>A commit carries at most one change per (read model, id) ({@code ReadModelChanges}); the script
 * relies on it. Grouping the changes by read model saves two arguments per document, which the server
 * parses and copies twice (into the request and into Lua). Every document is checked against the size
 * limit here, before anything is sent: the JSON has to be encoded to UTF-8 to be sent anyway, so the
 * check is a comparison of its length. Stateless and thread-safe.
 */
public final class CommitEncoding {

  private CommitEncoding() {}

  /**
   * The script's arguments.
   *
   * @throws InvalidDocumentException if a document is larger than {@code maxDocumentBytes}
   * @throws IllegalArgumentException if a document names an invalid index
   */
  public static List<byte[]> arguments(String keyPrefix, Commit commit, int maxDocumentBytes) {
    List<byte[]> args = new ArrayList<>(16 + commit.clearedReadModels().size()
        + commit.documentCount() * 8 + commit.deadLettersAdded().size() * 25
        + commit.deadLettersRemoved().size());
    args.add(bytes(keyPrefix));
    args.add(bytes(commit.projectionId()));
    args.add(bytes(Long.toString(commit.writerToken())));
    args.add(bytes(Long.toString(commit.expectedPosition())));
    args.add(bytes(commit.clearsDeadLetters() ? "1" : "0"));
    args.add(bytes(Integer.toString(commit.partition())));

    List<byte[]> set = StateEncoding.fieldsToSet(commit.state());
    args.add(count(set.size() / 2));
    args.addAll(set);
    List<byte[]> delete = StateEncoding.fieldsToDelete(commit.state());
    args.add(count(delete.size()));
    args.addAll(delete);

    args.add(count(commit.clearedReadModels().size()));
    for (String readModel : commit.clearedReadModels()) {
      args.add(bytes(readModel));
    }

    args.add(count(commit.changes().size()));
    for (ReadModelChanges changes : commit.changes()) {
      String readModel = changes.readModel();
      args.add(bytes(readModel));
      args.add(count(changes.puts().size()));
      for (StoredDocument document : changes.puts()) {
        addPut(args, readModel, document, commit.partition(), maxDocumentBytes);
      }
      args.add(count(changes.deletes().size()));
      for (String id : changes.deletes()) {
        args.add(bytes(id));
      }
    }

    args.add(count(commit.deadLettersAdded().size()));
    for (DeadLetter letter : commit.deadLettersAdded()) {
      List<byte[]> fields = DeadLetterEncoding.fields(letter);
      args.add(bytes(Long.toString(letter.position())));
      args.add(count(fields.size() / 2));
      args.addAll(fields);
    }
    args.add(count(commit.deadLettersRemoved().size()));
    for (Long position : commit.deadLettersRemoved()) {
      args.add(bytes(Long.toString(position)));
    }
    return args;
  }

  private static void addPut(List<byte[]> args, String readModel, StoredDocument document,
      int partition, int maxDocumentBytes) {
    byte[] json = document.json().getBytes(UTF_8);
    if (json.length > maxDocumentBytes) {
      throw new InvalidDocumentException(tooLarge(readModel, document.id(), json.length,
          maxDocumentBytes) + "; nothing of the commit was written");
    }
    // index names stand in keys and index sections, which rely on their holding no ':'
    document.indexValues().keySet()
        .forEach(index -> ProjectionIds.requireValidName(index, "index name"));
    byte[] section = DocumentEncoding.indexSection(document.indexValues());
    args.add(bytes(document.id()));
    args.add(DocumentEncoding.encode(partition, document.position(), section, json));
    args.add(section);
    // the section's entries again, parsed, so that the script need not parse new sections
    args.add(count(document.indexValues().size()));
    for (Map.Entry<String, String> index : document.indexValues().entrySet()) {
      args.add(bytes(index.getKey()));
      args.add(bytes(index.getValue()));
    }
  }

  /**
   * Refuses a document whose JSON is over the limit in UTF-8 bytes. A character takes 1 to 3 bytes (a
   * surrogate pair 4 for 2), so the bytes are counted only when the length in characters leaves the
   * answer open: for documents well under the limit the check costs nothing.
   *
   * @throws InvalidDocumentException naming read model, id and both sizes
   */
  public static void requireWithinLimit(String readModel, StoredDocument document, int maxDocumentBytes) {
    String json = document.json();
    if ((long) json.length() * 3 <= maxDocumentBytes) {
      return;
    }
    long size = DocumentEncoding.utf8Length(json);
    if (size > maxDocumentBytes) {
      throw new InvalidDocumentException(tooLarge(readModel, document.id(), size, maxDocumentBytes));
    }
  }

  /** Why a document over the limit is refused, naming read model, id and both sizes. */
  private static String tooLarge(String readModel, String id, long bytes, int maxDocumentBytes) {
    return "read model '" + readModel + "', document '" + id + "': its JSON is " + bytes
        + " bytes, over this Redis store's limit of " + maxDocumentBytes
        + " bytes (property 'max-document-bytes')";
  }

  private static byte[] count(int n) {
    return bytes(Integer.toString(n));
  }
}
