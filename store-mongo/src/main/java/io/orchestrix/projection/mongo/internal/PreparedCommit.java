package io.orchestrix.projection.mongo.internal;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.DocumentChange;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;

/**
 * A commit turned into bulk writes, one list per collection, with every document encoded and checked
 * before anything is written. Within a read model only the last change to each id is kept (the
 * commit's rule "a later change to the same id wins"), so the writes of one collection touch distinct
 * ids and may run unordered. Immutable once built.
 */
public final class PreparedCommit {

  private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

  private final Commit commit;
  private final Map<String, CollectionWrites> readModelWrites;
  private final List<WriteModel<BsonDocument>> deadLetterWrites;

  /**
   * The writes of one read-model collection.
   *
   * @param writes the bulk write: every put, then, in transactional mode, every delete
   * @param conditional which writes are conditional puts (standalone mode)
   * @param deferredDeletes in standalone mode, the ids to delete once the checkpoint has moved; empty
   *     in transactional mode, where deletes are part of {@code writes}
   */
  public record CollectionWrites(
      List<WriteModel<RawBsonDocument>> writes, BitSet conditional, List<String> deferredDeletes) {}

  private PreparedCommit(Commit commit, Map<String, CollectionWrites> readModelWrites,
      List<WriteModel<BsonDocument>> deadLetterWrites) {
    this.commit = commit;
    this.readModelWrites = readModelWrites;
    this.deadLetterWrites = deadLetterWrites;
  }

  /**
   * Encodes and checks a commit.
   *
   * @param standalone whether this is for the standalone mode: a document with a known position is
   *     written only if the stored one is older (an upsert that finds a newer document then fails with
   *     a duplicate key, which the writer treats as "already applied"), and deletes are deferred until
   *     the checkpoint has moved
   * @throws io.orchestrix.projection.InvalidDocumentException if any document cannot be stored
   */
  public static PreparedCommit of(Commit commit, boolean standalone) {
    Map<String, Map<String, DocumentChange>> lastChanges = new LinkedHashMap<>();
    for (DocumentChange change : commit.changes()) {
      lastChanges.computeIfAbsent(change.readModel(), name -> new LinkedHashMap<>())
          .put(change.id(), change);
    }
    Map<String, CollectionWrites> writes = new LinkedHashMap<>();
    lastChanges.forEach((readModel, changes) -> writes.put(readModel, writes(changes, standalone)));
    return new PreparedCommit(commit, writes, deadLetterWrites(commit));
  }

  private static CollectionWrites writes(Map<String, DocumentChange> changes, boolean standalone) {
    List<WriteModel<RawBsonDocument>> models = new ArrayList<>(changes.size());
    List<String> deferredDeletes = new ArrayList<>();
    BitSet conditionalPuts = new BitSet();
    for (DocumentChange change : changes.values()) {
      BsonDocument filter = new BsonDocument(ReadModelDocuments.ID, new BsonString(change.id()));
      if (change instanceof DocumentChange.Put put) {
        long position = put.document().position();
        if (standalone && position > 0) {
          filter.append(ReadModelDocuments.POSITION,
              new BsonDocument("$lt", new BsonInt64(position)));
          conditionalPuts.set(models.size());
        }
        models.add(new ReplaceOneModel<>(filter,
            ReadModelDocuments.encode(put.readModel(), put.document()), UPSERT));
      } else if (standalone) {
        deferredDeletes.add(change.id());
      } else {
        models.add(new DeleteOneModel<>(filter));
      }
    }
    return new CollectionWrites(List.copyOf(models), conditionalPuts, List.copyOf(deferredDeletes));
  }

  private static List<WriteModel<BsonDocument>> deadLetterWrites(Commit commit) {
    Set<Long> removed = new HashSet<>(commit.deadLettersRemoved());
    List<WriteModel<BsonDocument>> models = new ArrayList<>();
    Map<Long, DeadLetter> added = new LinkedHashMap<>();
    commit.deadLettersAdded().forEach(letter -> added.put(letter.position(), letter));
    for (DeadLetter letter : added.values()) {
      if (!removed.contains(letter.position())) {
        BsonDocument document = DeadLetterDocuments.document(letter);
        models.add(new ReplaceOneModel<>(
            new BsonDocument("_id", document.get("_id")), document, UPSERT));
      }
    }
    for (long position : removed) {
      models.add(new DeleteOneModel<>(
          new BsonDocument("_id", DeadLetterDocuments.id(commit.projectionId(), position))));
    }
    return List.copyOf(models);
  }

  /** The commit. */
  public Commit commit() {
    return commit;
  }

  /** The writes per read model, in the order the read models first appear in the commit. */
  public Map<String, CollectionWrites> readModelWrites() {
    return readModelWrites;
  }

  /** The dead-letter writes: upserts of added letters, then deletes of removed ones. */
  public List<WriteModel<BsonDocument>> deadLetterWrites() {
    return deadLetterWrites;
  }
}
