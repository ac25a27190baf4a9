package io.orchestrix.projection.mongo.internal;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadPreference;
import com.mongodb.TransactionOptions;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.UpdateResult;
import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.ProjectionException;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.Commit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * Applies prepared commits, in one of two ways.
 *
 * <p><b>Transactional</b> (replica set or sharded cluster whose transactions passed the start-up
 * probe): one multi-document transaction reads the state, checks writer token and checkpoint (and, for
 * a partitioned commit, the partitions of its documents: {@link PartitionGuard}), moves the
 * checkpoint, and applies every bulk write; the driver's {@code withTransaction} retries it on
 * transient transaction errors. Readers see all of it or none of it.
 *
 * <p><b>Standalone</b>, in this order:
 * <ol>
 *   <li>read the state and check writer token and checkpoint, then, for a partitioned commit, that no
 *       document it puts or deletes is kept for another partition (a commit refused here writes
 *       nothing);</li>
 *   <li>finish the deferred deletes an earlier commit recorded but did not complete;</li>
 *   <li>a reset's clearing, then one unordered bulk write of puts per read-model collection, each a
 *       {@code $max} of the document's {@code latest} sub-document, which starts with position,
 *       writer token and commit sequence (see {@link ReadModelDocuments}), so a write never replaces
 *       a document from a later event or a newer writer; then the dead letters;</li>
 *   <li>move the checkpoint by a compare-and-set on checkpoint and writer token, recording in the same
 *       single-document write the ids this commit deletes;</li>
 *   <li>delete those documents (only those at or below the new checkpoint, so a later re-creation is
 *       never undone) and clear the record.</li>
 * </ol>
 * A partitioned commit's puts are upserts conditional on the partition; one that collides with a
 * document another partition created after the check refuses the commit with a
 * {@link io.orchestrix.projection.PartitionConflictException} before its checkpoint moves, but its
 * other puts of the same unordered bulk write (and of read models written before) stay, ahead of the
 * checkpoint, as after a crash. A partitioned commit's deferred deletes match only documents its
 * partition may write.
 *
 * <p>A crash before step 4 leaves puts ahead of the checkpoint, which the engine's reprocessing skips by
 * position; a crash after it leaves deletes pending, which the next claim or commit of the projection
 * completes before anything reads on. A failure in step 5 is reported as a {@link StoreException}
 * (transient for an outage) although the checkpoint moved, so that the engine claims again at once.
 * Deletes wait for the checkpoint because a delete carries no position: applied early, reprocessing
 * would find the document missing before the event that deletes it.
 *
 * <p>Thread-safe: every call works on its own arguments.
 */
public final class CommitWriter {

  /** The state field recording deletes deferred past the checkpoint (standalone mode). */
  public static final String PENDING_DELETES = "pendingDeletes";
  /** The field of the record of deletes naming the partition that deletes, if partitioned. */
  static final String PENDING_PARTITION = "partition";
  /** Most bytes of ids one standalone commit may defer, well below a document's 16 MiB. */
  static final int MAX_PENDING_DELETE_BYTES = 8 * 1024 * 1024;

  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
  private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);
  private static final int DUPLICATE_KEY = 11000;
  /** Transactions read from the primary, as MongoDB requires, whatever the URI's read preference. */
  private static final TransactionOptions TRANSACTION =
      TransactionOptions.builder().readPreference(ReadPreference.primary()).build();

  private final MongoClient client;
  private final StoreCollections collections;
  private final WriteFaults faults;
  private final PartitionGuard partitions;

  public CommitWriter(MongoClient client, StoreCollections collections, WriteFaults faults) {
    this.client = client;
    this.collections = collections;
    this.faults = faults;
    this.partitions = new PartitionGuard(collections);
  }

  /** Applies the commit without a transaction, as the class comment describes. */
  public void commitStandalone(PreparedCommit prepared) {
    Commit commit = prepared.commit();
    BsonDocument deletes = deferredDeletes(prepared);
    BsonDocument stored = collections.state().find(byId(commit.projectionId())).first();
    requireCurrent(commit, stored);
    partitions.check(null, prepared);
    completePendingDeletes(null, stored);
    for (String readModel : commit.clearedReadModels()) {
      faults.beforeWrite("clearing read model '" + readModel + "'");
      collections.readModel(readModel).deleteMany(cleared(commit));
    }
    if (commit.clearsDeadLetters()) {
      faults.beforeWrite("clearing dead letters");
      collections.deadLetters().deleteMany(deadLettersOf(commit.projectionId()));
    }
    prepared.readModelWrites().forEach((readModel, writes) -> {
      if (!writes.writes().isEmpty()) {
        faults.beforeWrite("writing read model '" + readModel + "'");
        writeReadModel(null, prepared, readModel);
      }
    });
    if (!prepared.deadLetterWrites().isEmpty()) {
      faults.beforeWrite("writing dead letters");
      collections.deadLetters().bulkWrite(prepared.deadLetterWrites(), ORDERED);
    }
    faults.beforeWrite("moving the checkpoint");
    moveCheckpoint(null, commit, deletes);
    if (deletes != null) {
      BsonDocument recorded = byId(commit.projectionId()).append(PENDING_DELETES, deletes);
      try {
        completePendingDeletes(null, recorded);
      } catch (RuntimeException e) {
        // Reported rather than left for later: the engine then claims again, which completes the
        // deletes at once, and finds the checkpoint moved, so it skips the committed events.
        throw StoreException.of("projection '" + commit.projectionId() + "': committed up to"
            + " position " + commit.state().lastProcessedPosition() + ", but its deletes failed;"
            + " they are recorded with the checkpoint and the next claim or commit of the projection"
            + " completes them: " + e.getMessage(), commit.projectionId(), kindOf(e), e);
      }
    }
  }

  /** Applies the commit in one multi-document transaction. */
  public void commitInTransaction(PreparedCommit prepared) {
    Commit commit = prepared.commit();
    try (ClientSession session = client.startSession()) {
      session.withTransaction(() -> {
        BsonDocument stored = collections.state().find(session, byId(commit.projectionId())).first();
        requireCurrent(commit, stored);
        partitions.check(session, prepared);
        completePendingDeletes(session, stored);
        faults.beforeWrite("moving the checkpoint");
        moveCheckpoint(session, commit, null);
        for (String readModel : commit.clearedReadModels()) {
          faults.beforeWrite("clearing read model '" + readModel + "'");
          collections.readModel(readModel).deleteMany(session, cleared(commit));
        }
        if (commit.clearsDeadLetters()) {
          faults.beforeWrite("clearing dead letters");
          collections.deadLetters().deleteMany(session, deadLettersOf(commit.projectionId()));
        }
        for (Map.Entry<String, PreparedCommit.CollectionWrites> entry
            : prepared.readModelWrites().entrySet()) {
          if (!entry.getValue().writes().isEmpty()) {
            faults.beforeWrite("writing read model '" + entry.getKey() + "'");
            writeReadModel(session, prepared, entry.getKey());
          }
        }
        if (!prepared.deadLetterWrites().isEmpty()) {
          faults.beforeWrite("writing dead letters");
          collections.deadLetters().bulkWrite(session, prepared.deadLetterWrites(), ORDERED);
        }
        return null;
      }, TRANSACTION);
    }
  }

  /** One bulk write of a read model's puts (and deletes, in a transaction). */
  private void writeReadModel(
      @Nullable ClientSession session, PreparedCommit prepared, String readModel) {
    List<WriteModel<BsonDocument>> writes = prepared.readModelWrites().get(readModel).writes();
    MongoCollection<BsonDocument> collection = collections.readModel(readModel);
    try {
      if (session == null) {
        collection.bulkWrite(writes, UNORDERED);
      } else {
        collection.bulkWrite(session, writes, UNORDERED);
      }
    } catch (MongoBulkWriteException e) {
      throw partitions.conflictOf(prepared, readModel, e);
    }
  }

  /** What a reset clears: every document, or, for a partition's reset, the partition's own. */
  private static BsonDocument cleared(Commit commit) {
    return commit.partition() == Commit.UNPARTITIONED
        ? new BsonDocument() : PartitionGuard.keptFor(commit.partition());
  }

  /**
   * Completes the deletes a standalone commit recorded in the state with its checkpoint, if the
   * stored state has any: deletes the documents at or below that checkpoint, then clears the record.
   * Idempotent; any writer may do it.
   *
   * @param session the transaction to do it in, or null
   */
  public void completePendingDeletes(@Nullable ClientSession session, @Nullable BsonDocument stored) {
    if (stored == null || !stored.isDocument(PENDING_DELETES)) {
      return;
    }
    BsonDocument pending = stored.getDocument(PENDING_DELETES);
    BsonInt64 checkpoint = new BsonInt64(pending.getNumber(StateDocuments.CHECKPOINT).longValue());
    for (Map.Entry<String, BsonValue> entry : pending.getDocument("readModels").entrySet()) {
      BsonDocument filter = new BsonDocument(ReadModelDocuments.ID,
          new BsonDocument("$in", entry.getValue().asArray()))
          .append(ReadModelDocuments.POSITION, new BsonDocument("$lte", checkpoint));
      if (pending.isNumber(PENDING_PARTITION)) {
        filter.putAll(PartitionGuard.writableBy(pending.getNumber(PENDING_PARTITION).intValue()));
      }
      faults.beforeWrite("deleting from read model '" + entry.getKey() + "'");
      MongoCollection<BsonDocument> collection = collections.readModel(entry.getKey());
      if (session == null) {
        collection.deleteMany(filter);
      } else {
        collection.deleteMany(session, filter);
      }
    }
    BsonDocument recorded = new BsonDocument("_id", stored.get("_id"))
        .append(PENDING_DELETES + "." + StateDocuments.CHECKPOINT, checkpoint);
    BsonDocument clear = new BsonDocument("$unset", new BsonDocument(PENDING_DELETES, new BsonString("")));
    faults.beforeWrite("clearing the record of deletes");
    if (session == null) {
      collections.state().updateOne(recorded, clear);
    } else {
      collections.state().updateOne(session, recorded, clear);
    }
  }

  private static @Nullable BsonDocument deferredDeletes(PreparedCommit prepared) {
    BsonDocument readModels = new BsonDocument();
    long bytes = 0;
    for (Map.Entry<String, PreparedCommit.CollectionWrites> entry
        : prepared.readModelWrites().entrySet()) {
      List<String> ids = entry.getValue().deferredDeletes();
      if (!ids.isEmpty()) {
        BsonArray array = new BsonArray(new ArrayList<>(ids.size()));
        for (String id : ids) {
          array.add(new BsonString(id));
          bytes += id.getBytes(StandardCharsets.UTF_8).length + 16;
        }
        readModels.append(entry.getKey(), array);
      }
    }
    if (readModels.isEmpty()) {
      return null;
    }
    if (bytes > MAX_PENDING_DELETE_BYTES) {
      throw StoreException.failure("projection '" + prepared.commit().projectionId() + "': a standalone"
          + " commit may delete documents whose ids take at most " + MAX_PENDING_DELETE_BYTES
          + " bytes, but this one deletes ids of about " + bytes + " bytes; commit smaller batches",
          prepared.commit().projectionId(), null);
    }
    BsonDocument recorded = new BsonDocument(StateDocuments.CHECKPOINT,
        new BsonInt64(prepared.commit().state().lastProcessedPosition()))
        .append("readModels", readModels);
    if (prepared.commit().partition() != Commit.UNPARTITIONED) {
      recorded.append(PENDING_PARTITION, new BsonInt32(prepared.commit().partition()));
    }
    return recorded;
  }

  private void moveCheckpoint(
      @Nullable ClientSession session, Commit commit, @Nullable BsonDocument deletes) {
    BsonDocument filter = byId(commit.projectionId())
        .append(StateDocuments.CHECKPOINT, new BsonInt64(commit.expectedPosition()))
        .append(StateDocuments.WRITER_TOKEN, new BsonInt64(commit.writerToken()));
    BsonDocument fields = StateDocuments.fields(commit.state());
    if (deletes != null) {
      fields.append(PENDING_DELETES, deletes);
    }
    BsonDocument update = new BsonDocument("$set", fields);
    // Upsert only covers a projection never stored nor claimed (checkpoint 0, token 0); for any other
    // mismatch the filter finds nothing, the upsert collides on _id, and the state is read again.
    UpdateOptions options = new UpdateOptions()
        .upsert(commit.expectedPosition() == 0 && commit.writerToken() == 0);
    UpdateResult result;
    try {
      result = session == null
          ? collections.state().updateOne(filter, update, options)
          : collections.state().updateOne(session, filter, update, options);
    } catch (MongoWriteException e) {
      if (e.getError().getCode() != DUPLICATE_KEY) {
        throw e;
      }
      result = null;
    }
    if (result == null || (result.getMatchedCount() == 0 && result.getUpsertedId() == null)) {
      BsonDocument stored = session == null
          ? collections.state().find(byId(commit.projectionId())).first()
          : collections.state().find(session, byId(commit.projectionId())).first();
      requireCurrent(commit, stored);
      throw new IllegalStateException("projection '" + commit.projectionId()
          + "': the checkpoint compare-and-set matched nothing, yet the state is current");
    }
  }

  private static void requireCurrent(Commit commit, @Nullable BsonDocument stored) {
    long token = StateDocuments.writerToken(stored);
    if (token != commit.writerToken()) {
      throw new WriterFencedException(commit.projectionId(), commit.writerToken(), token);
    }
    long checkpoint = StateDocuments.checkpoint(stored);
    if (checkpoint != commit.expectedPosition()) {
      throw new CheckpointConflictException(
          commit.projectionId(), commit.expectedPosition(), checkpoint);
    }
  }

  /** An outage stays transient; anything else will fail again at the next claim. */
  private static FailureKind kindOf(RuntimeException failure) {
    if (failure instanceof ProjectionException known) {
      return known.kind() == FailureKind.TRANSIENT ? FailureKind.TRANSIENT : FailureKind.FATAL;
    }
    return StoreErrors.isTransient(failure) ? FailureKind.TRANSIENT : FailureKind.FATAL;
  }

  private static BsonDocument byId(String projectionId) {
    return new BsonDocument("_id", new BsonString(projectionId));
  }

  private static BsonDocument deadLettersOf(String projectionId) {
    return new BsonDocument(DeadLetterDocuments.PROJECTION_ID, new BsonString(projectionId));
  }
}
