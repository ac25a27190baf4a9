package io.orchestrix.projection.mongo.internal;

import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import io.orchestrix.projection.DeadLetter;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.RawBsonDocument;

/**
 * A commit turned into bulk writes, one list per collection, with every document encoded (which checks
 * it) before anything is written. A commit changes each id of a read model once, so the writes of one
 * collection touch distinct ids and may run unordered. Every write of a commit that is not partitioned
 * filters on {@code _id} alone; a partitioned commit's writes also require the document to be
 * {@linkplain PartitionGuard#writableBy writable by} its partition, and record the partition in
 * {@code latest.partition}. Immutable once built.
 */
public final class PreparedCommit {

  private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);
  private static final ReplaceOptions REPLACE_UPSERT = new ReplaceOptions().upsert(true);

  private final Commit commit;
  private final Map<String, CollectionWrites> readModelWrites;
  private final List<WriteModel<BsonDocument>> deadLetterWrites;

  /**
   * The writes of one read-model collection.
   *
   * @param writes the bulk write: every put, then, in transactional mode, every delete; may be empty
   * @param writtenIds the id each of {@code writes} is about, in the same order
   * @param deferredDeletes in standalone mode, the ids to delete once the checkpoint has moved; empty
   *     in transactional mode, where deletes are part of {@code writes}
   */
  public record CollectionWrites(List<WriteModel<BsonDocument>> writes, List<String> writtenIds,
      List<String> deferredDeletes) {}

  private PreparedCommit(Commit commit, Map<String, CollectionWrites> readModelWrites,
      List<WriteModel<BsonDocument>> deadLetterWrites) {
    this.commit = commit;
    this.readModelWrites = readModelWrites;
    this.deadLetterWrites = deadLetterWrites;
  }

  /**
   * Encodes and checks a commit.
   *
   * @param standalone whether this is for the standalone mode: a put of a document with a known
   *     position is a {@code $max} of its {@code latest} sub-document, so it never replaces a document
   *     written by a later event (see {@link ReadModelDocuments}), and deletes are deferred until the
   *     checkpoint has moved
   * @param sequence this commit's sequence number, greater than the one of any earlier commit of this
   *     store, which decides between writes of one writer at the same position
   * @param checked the encodings made when the documents were checked
   * @throws io.orchestrix.projection.InvalidDocumentException if any document cannot be stored
   */
  public static PreparedCommit of(
      Commit commit, boolean standalone, long sequence, CheckedDocuments checked) {
    Map<String, CollectionWrites> writes = new LinkedHashMap<>();
    for (ReadModelChanges changes : commit.changes()) {
      writes.put(changes.readModel(), writes(changes, standalone, commit.writerToken(), sequence,
          commit.partition(), checked));
    }
    return new PreparedCommit(commit, writes, deadLetterWrites(commit));
  }

  private static CollectionWrites writes(ReadModelChanges changes, boolean standalone,
      long writerToken, long sequence, int partition, CheckedDocuments checked) {
    List<WriteModel<BsonDocument>> models = new ArrayList<>(changes.size());
    List<String> writtenIds = new ArrayList<>(changes.size());
    List<String> deferredDeletes = new ArrayList<>();
    for (StoredDocument document : changes.puts()) {
      BsonDocument byId = filter(document.id(), partition);
      writtenIds.add(document.id());
      RawBsonDocument latest = checked.take(changes.readModel(), document)
          .latest(writerToken, sequence, partition);
      if (standalone && document.position() > 0) {
        models.add(new UpdateOneModel<>(byId,
            new BsonDocument("$max", new BsonDocument(ReadModelDocuments.LATEST, latest)), UPSERT));
      } else {
        models.add(new ReplaceOneModel<>(byId,
            ReadModelDocuments.document(document.id(), latest), REPLACE_UPSERT));
      }
    }
    for (String id : changes.deletes()) {
      checked.discard(changes.readModel(), id);
      if (standalone) {
        deferredDeletes.add(id);
      } else {
        models.add(new DeleteOneModel<>(filter(id, partition)));
        writtenIds.add(id);
      }
    }
    return new CollectionWrites(
        List.copyOf(models), List.copyOf(writtenIds), List.copyOf(deferredDeletes));
  }

  /** The {@code _id}, and for a partitioned commit the partition's right to write the document. */
  private static BsonDocument filter(String id, int partition) {
    BsonDocument filter = new BsonDocument(ReadModelDocuments.ID, new BsonString(id));
    if (partition != Commit.UNPARTITIONED) {
      filter.putAll(PartitionGuard.writableBy(partition));
    }
    return filter;
  }

  /** Upserts of the added dead letters, then deletes of the removed ones: run in this order. */
  private static List<WriteModel<BsonDocument>> deadLetterWrites(Commit commit) {
    List<WriteModel<BsonDocument>> models = new ArrayList<>();
    for (DeadLetter letter : commit.deadLettersAdded()) {
      BsonDocument document = DeadLetterDocuments.document(letter);
      models.add(new ReplaceOneModel<>(
          new BsonDocument("_id", document.get("_id")), document, REPLACE_UPSERT));
    }
    for (long position : commit.deadLettersRemoved()) {
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

  /**
   * The dead-letter writes: upserts of added letters, then deletes of removed ones, to run as one
   * ordered bulk write, so that a letter both added and removed ends removed.
   */
  public List<WriteModel<BsonDocument>> deadLetterWrites() {
    return deadLetterWrites;
  }
}
