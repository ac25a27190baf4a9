package io.orchestrix.projection.mongo.internal;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import io.orchestrix.projection.ProjectionState;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;

/**
 * Projection states in the state collection: claiming a projection for a writer, loading and saving
 * its state. Thread-safe.
 */
public final class ProjectionStates {

  private static final int DUPLICATE_KEY = 11000;
  private static final FindOneAndUpdateOptions UPSERT_AND_RETURN =
      new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER);

  private final StoreCollections collections;
  private final CommitWriter commits;

  public ProjectionStates(StoreCollections collections, CommitWriter commits) {
    this.collections = collections;
    this.commits = commits;
  }

  /**
   * Increments the projection's writer token, creating its initial state if there is none, and
   * completes the deletes a standalone commit cut short left recorded, so that the new writer never
   * reads the documents they remove.
   *
   * @param now the time of an initial state
   * @return the new writer token
   */
  public long claimWriter(String projectionId, Instant now) {
    BsonDocument update = new BsonDocument("$inc",
        new BsonDocument(StateDocuments.WRITER_TOKEN, new BsonInt64(1)))
        .append("$setOnInsert", StateDocuments.fields(ProjectionState.initial(projectionId, now)));
    for (int attempt = 1; ; attempt++) {
      try {
        BsonDocument claimed = Objects.requireNonNull(collections.state()
            .findOneAndUpdate(byId(projectionId), update, UPSERT_AND_RETURN), "upserted state");
        commits.completePendingDeletes(null, claimed);
        return StateDocuments.writerToken(claimed);
      } catch (MongoCommandException e) {
        // Two first claims raced on the upsert and one collided on _id: the other created the state,
        // so claiming again increments it.
        if (e.getErrorCode() != DUPLICATE_KEY || attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** The projection's stored state, if any. */
  public Optional<ProjectionState> loadState(String projectionId) {
    BsonDocument stored = collections.state().find(byId(projectionId)).first();
    return stored == null ? Optional.empty() : Optional.of(StateDocuments.state(stored));
  }

  /** Stores the state, leaving the writer token as it is (0 for a new projection). */
  public void saveState(ProjectionState state) {
    BsonDocument update = new BsonDocument("$set", StateDocuments.fields(state))
        .append("$setOnInsert", new BsonDocument(StateDocuments.WRITER_TOKEN, new BsonInt64(0)));
    collections.state().updateOne(byId(state.projectionId()), update,
        new UpdateOptions().upsert(true));
  }

  private static BsonDocument byId(String projectionId) {
    return new BsonDocument(StateDocuments.ID, new BsonString(projectionId));
  }
}
