package io.orchestrix.projection.mongo.internal;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.ClientSession;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoCollection;
import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Keeps each read-model document to the partition that last wrote it ({@code latest.partition}, -1
 * or missing for none), for the commits of partitioned projections. Two guards, both needed:
 *
 * <ul>
 *   <li>the <b>check</b>, before the commit writes anything: one query per read model finds whether
 *       any document it puts or deletes is kept for another partition, and refuses the commit with a
 *       {@link PartitionConflictException} naming the first;</li>
 *   <li>the <b>conditional writes</b>: every put of a partitioned commit is an upsert whose filter is
 *       the {@code _id} and {@link #writableBy} the partition, so a document another partition
 *       created after the check does not match, the upsert collides on {@code _id}, and
 *       {@link #conflictOf} turns the duplicate key into the same exception; every delete matches
 *       only documents the partition may write. The test and the write are one single-document
 *       operation, so of two partitions creating one document at the same moment exactly one wins.</li>
 * </ul>
 *
 * Commits that are not partitioned pay nothing: no check, and writes filtered by {@code _id} alone.
 * Thread-safe: stateless apart from the collections.
 */
public final class PartitionGuard {

  /** Most ids one check query names, keeping the query far below MongoDB's 16 MiB. */
  static final int IDS_PER_CHECK = 5_000;
  private static final int DUPLICATE_KEY = 11000;

  private final StoreCollections collections;

  public PartitionGuard(StoreCollections collections) {
    this.collections = collections;
  }

  /** Documents partition {@code partition} may write: its own, and those no partition keeps. */
  public static BsonDocument writableBy(int partition) {
    return new BsonDocument(ReadModelDocuments.PARTITION, new BsonDocument("$not", keptByOther(partition)));
  }

  /** Documents kept for the given partition. */
  public static BsonDocument keptFor(int partition) {
    return new BsonDocument(ReadModelDocuments.PARTITION, new BsonInt32(partition));
  }

  private static BsonDocument keptByOther(int partition) {
    return new BsonDocument("$gte", new BsonInt32(0)).append("$ne", new BsonInt32(partition));
  }

  /**
   * Refuses a partitioned commit, before it writes anything, if a document it puts or deletes is kept
   * for another partition; does nothing for a commit that is not partitioned.
   *
   * @param session the transaction to read in, or null
   * @throws PartitionConflictException naming the first such document found
   */
  public void check(@Nullable ClientSession session, PreparedCommit prepared) {
    Commit commit = prepared.commit();
    int partition = commit.partition();
    if (partition == Commit.UNPARTITIONED) {
      return;
    }
    for (Map.Entry<String, PreparedCommit.CollectionWrites> entry
        : prepared.readModelWrites().entrySet()) {
      List<String> ids = new ArrayList<>(entry.getValue().writtenIds());
      ids.addAll(entry.getValue().deferredDeletes());
      MongoCollection<BsonDocument> collection = collections.readModel(entry.getKey());
      for (int from = 0; from < ids.size(); from += IDS_PER_CHECK) {
        BsonArray chunk = new BsonArray();
        ids.subList(from, Math.min(ids.size(), from + IDS_PER_CHECK))
            .forEach(id -> chunk.add(new BsonString(id)));
        BsonDocument filter = new BsonDocument(ReadModelDocuments.ID, new BsonDocument("$in", chunk))
            .append(ReadModelDocuments.PARTITION, keptByOther(partition));
        FindIterable<BsonDocument> found = session == null
            ? collection.find(filter) : collection.find(session, filter);
        BsonDocument kept = found.projection(new BsonDocument(ReadModelDocuments.PARTITION,
            new BsonInt32(1))).limit(1).first();
        if (kept != null) {
          throw new PartitionConflictException(commit.projectionId(), entry.getKey(),
              kept.getString(ReadModelDocuments.ID).getValue(), partitionOf(kept), partition);
        }
      }
    }
  }

  /**
   * What a failed bulk write of a read model means: for a partitioned commit whose conditional upsert
   * collided on {@code _id}, a {@link PartitionConflictException} naming the document and the
   * partition that keeps it, read again outside any transaction (or a transient
   * {@link StoreException} if the document changed hands again meanwhile, so the commit is retried);
   * otherwise the failure itself.
   */
  public RuntimeException conflictOf(
      PreparedCommit prepared, String readModel, MongoBulkWriteException failure) {
    Commit commit = prepared.commit();
    if (commit.partition() == Commit.UNPARTITIONED) {
      return failure;
    }
    List<String> ids = prepared.readModelWrites().get(readModel).writtenIds();
    for (BulkWriteError error : failure.getWriteErrors()) {
      if (error.getCode() != DUPLICATE_KEY || error.getIndex() >= ids.size()) {
        continue;
      }
      String id = ids.get(error.getIndex());
      BsonDocument stored = collections.readModel(readModel)
          .find(new BsonDocument(ReadModelDocuments.ID, new BsonString(id)))
          .projection(new BsonDocument(ReadModelDocuments.PARTITION, new BsonInt32(1))).first();
      int keptFor = stored == null ? Commit.UNPARTITIONED : partitionOf(stored);
      if (keptFor != Commit.UNPARTITIONED && keptFor != commit.partition()) {
        return new PartitionConflictException(
            commit.projectionId(), readModel, id, keptFor, commit.partition());
      }
      return StoreException.outage("projection key '" + commit.projectionId() + "': document '" + id
          + "' of read model '" + readModel + "' changed partition while partition "
          + commit.partition() + " wrote it; the commit may be retried", commit.projectionId(), failure);
    }
    return failure;
  }

  private static int partitionOf(BsonDocument stored) {
    BsonValue latest = stored.get(ReadModelDocuments.LATEST);
    if (latest == null || !latest.isDocument()) {
      return Commit.UNPARTITIONED;
    }
    BsonValue partition = latest.asDocument().get(EncodedDocument.PARTITION);
    return partition != null && partition.isNumber()
        ? partition.asNumber().intValue() : Commit.UNPARTITIONED;
  }
}
