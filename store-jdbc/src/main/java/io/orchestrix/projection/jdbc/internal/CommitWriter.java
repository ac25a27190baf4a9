package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Writes a commit in one transaction: first the fenced move of the checkpoint (which locks the
 * projection's state row, so concurrent committers queue on it), then the clearing of a reset, then
 * per read model one batched delete and one batched upsert, then the dead letters. Whatever fails
 * rolls the whole transaction back. Thread-safe.
 */
public final class CommitWriter {

  private final Jdbi jdbi;
  private final StateTable states;
  private final DeadLetterTable deadLetters;

  public CommitWriter(Jdbi jdbi, StateTable states, DeadLetterTable deadLetters) {
    this.jdbi = jdbi;
    this.states = states;
    this.deadLetters = deadLetters;
  }

  /**
   * Applies the commit all or nothing.
   *
   * @param tables the table of each read model the commit names, prepared on this store
   * @throws io.orchestrix.projection.WriterFencedException if the writer token is not current
   * @throws io.orchestrix.projection.CheckpointConflictException if the stored checkpoint is not the
   *     expected one
   * @throws io.orchestrix.projection.InvalidDocumentException if a document is beyond the store's
   *     {@link DocumentLimits}
   */
  public void write(Commit commit, Function<String, ReadModelTable> tables) {
    jdbi.useTransaction(handle -> {
      states.moveCheckpoint(handle, commit);
      for (String readModel : commit.clearedReadModels()) {
        handle.execute(tables.apply(readModel).clearSql());
      }
      if (commit.clearsDeadLetters()) {
        deadLetters.clear(handle, commit.projectionId());
      }
      for (ReadModelChanges changes : commit.changes()) {
        writeDocuments(handle, tables.apply(changes.readModel()), changes);
      }
      deadLetters.write(handle, commit);
    });
  }

  /** The changes hold each id once, so each batch is sent as it is. */
  private static void writeDocuments(Handle handle, ReadModelTable table, ReadModelChanges changes) {
    if (!changes.deletes().isEmpty()) {
      PreparedBatch deletes = handle.prepareBatch(table.deleteSql());
      changes.deletes().forEach(id -> deletes.bind("id", id).add());
      deletes.execute();
    }
    if (!changes.puts().isEmpty()) {
      PreparedBatch upserts = handle.prepareBatch(table.upsertSql());
      changes.puts().forEach(document -> table.addUpsert(upserts, document));
      upserts.execute();
    }
  }
}
