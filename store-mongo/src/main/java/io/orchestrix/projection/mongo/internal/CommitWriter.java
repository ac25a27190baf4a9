package io.orchestrix.projection.mongo.internal;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.ClientSession;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.result.UpdateResult;
import io.orchestrix.projection.CheckpointConflictException;
import io.orchestrix.projection.WriterFencedException;
import io.orchestrix.projection.spi.Commit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.jspecify.annotations.Nullable;

/**
 * Applies prepared commits, in one of two ways.
 *
 * <p><b>Transactional</b> (replica set or sharded cluster whose transactions passed the start-up
 * probe): one multi-document transaction reads the state, checks checkpoint and writer token, moves
 * the checkpoint, and applies every bulk write; the driver's {@code withTransaction} retries it on
 * transient transaction errors. Readers see all of it or none of it.
 *
 * <p><b>Standalone</b>: the state is checked first, then each collection gets one unordered bulk
 * write whose document writes never go backwards (a document is replaced only if its stored position
 * is older), then dead letters, and last the checkpoint moves by a compare-and-set on checkpoint and
 * writer token. A crash in between leaves documents ahead of the checkpoint; the engine repairs that by
 * processing the events again, skipping writes to documents whose position shows the event already
 * applied.
 *
 * <p>Thread-safe: every call works on its own arguments.
 */
public final class CommitWriter {

  private static final BulkWriteOptions UNORDERED = new BulkWriteOptions().ordered(false);
  private static final BulkWriteOptions ORDERED = new BulkWriteOptions().ordered(true);
  private static final int DUPLICATE_KEY = 11000;

  private final MongoClient client;
  private final StoreCollections collections;
  private final WriteFaults faults;

  public CommitWriter(MongoClient client, StoreCollections collections, WriteFaults faults) {
    this.client = client;
    this.collections = collections;
    this.faults = faults;
  }

  /** Applies the commit without a transaction, documents first, checkpoint last. */
  public void commitStandalone(PreparedCommit prepared) {
    Commit commit = prepared.commit();
    requireCurrent(commit, collections.state().find(byId(commit.projectionId())).first());
    if (commit.reset()) {
      for (String readModel : commit.clearedReadModels()) {
        faults.beforeWrite("clearing read model '" + readModel + "'");
        collections.readModel(readModel).deleteMany(new BsonDocument());
      }
      faults.beforeWrite("clearing dead letters");
      collections.deadLetters().deleteMany(deadLettersOf(commit.projectionId()));
    }
    prepared.readModelWrites().forEach((readModel, writes) -> {
      faults.beforeWrite("writing read model '" + readModel + "'");
      bulkWriteSkippingNewer(collections.readModel(readModel), writes);
    });
    if (!prepared.deadLetterWrites().isEmpty()) {
      faults.beforeWrite("writing dead letters");
      collections.deadLetters().bulkWrite(prepared.deadLetterWrites(), ORDERED);
    }
    faults.beforeWrite("moving the checkpoint");
    moveCheckpoint(null, commit);
  }

  /** Applies the commit in one multi-document transaction. */
  public void commitInTransaction(PreparedCommit prepared) {
    Commit commit = prepared.commit();
    try (ClientSession session = client.startSession()) {
      session.withTransaction(() -> {
        requireCurrent(commit, collections.state().find(session, byId(commit.projectionId())).first());
        faults.beforeWrite("moving the checkpoint");
        moveCheckpoint(session, commit);
        if (commit.reset()) {
          for (String readModel : commit.clearedReadModels()) {
            faults.beforeWrite("clearing read model '" + readModel + "'");
            collections.readModel(readModel).deleteMany(session, new BsonDocument());
          }
          faults.beforeWrite("clearing dead letters");
          collections.deadLetters().deleteMany(session, deadLettersOf(commit.projectionId()));
        }
        for (Map.Entry<String, PreparedCommit.CollectionWrites> entry
            : prepared.readModelWrites().entrySet()) {
          faults.beforeWrite("writing read model '" + entry.getKey() + "'");
          collections.readModel(entry.getKey())
              .bulkWrite(session, entry.getValue().writes(), UNORDERED);
        }
        if (!prepared.deadLetterWrites().isEmpty()) {
          faults.beforeWrite("writing dead letters");
          collections.deadLetters().bulkWrite(session, prepared.deadLetterWrites(), ORDERED);
        }
        return null;
      });
    }
  }

  private void bulkWriteSkippingNewer(
      MongoCollection<RawBsonDocument> collection, PreparedCommit.CollectionWrites writes) {
    try {
      collection.bulkWrite(writes.writes(), UNORDERED);
    } catch (MongoBulkWriteException e) {
      List<BulkWriteError> real = new ArrayList<>();
      for (BulkWriteError error : e.getWriteErrors()) {
        // A conditional upsert that met a document at or past its position fails on the duplicate
        // _id: the document already holds this write's effect, so there is nothing to do.
        if (!(error.getCode() == DUPLICATE_KEY && writes.conditional().get(error.getIndex()))) {
          real.add(error);
        }
      }
      if (!real.isEmpty() || e.getWriteConcernError() != null) {
        throw new MongoBulkWriteException(e.getWriteResult(), real, e.getWriteConcernError(),
            e.getServerAddress(), e.getErrorLabels());
      }
    }
  }

  private void moveCheckpoint(@Nullable ClientSession session, Commit commit) {
    BsonDocument filter = byId(commit.projectionId())
        .append(StateDocuments.CHECKPOINT, new BsonInt64(commit.expectedPosition()))
        .append(StateDocuments.WRITER_TOKEN, new BsonInt64(commit.writerToken()));
    BsonDocument update = new BsonDocument("$set", StateDocuments.fields(commit.state()));
    // Upsert only covers a projection never stored nor claimed (checkpoint 0, token 0); for any other
    // mismatch the filter finds nothing, the upsert collides on _id, and the state is read again.
    UpdateOptions options = new UpdateOptions()
        .upsert(commit.expectedPosition() == 0 && commit.writerToken() == 0);
    UpdateResult result;
    try {
      result = session == null
          ? collections.state().updateOne(filter, update, options)
          : collections.state().updateOne(session, filter, update, options);
    } catch (com.mongodb.MongoWriteException e) {
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

  private static BsonDocument byId(String projectionId) {
    return new BsonDocument("_id", new BsonString(projectionId));
  }

  private static BsonDocument deadLettersOf(String projectionId) {
    return Filters.eq(DeadLetterDocuments.PROJECTION_ID, projectionId).toBsonDocument();
  }
}
