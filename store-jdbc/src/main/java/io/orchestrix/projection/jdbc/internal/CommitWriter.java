package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.PartitionConflictException;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.jdbc.support.SqlFailures;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Writes a commit in one transaction: first the fenced move of the checkpoint (which locks the
 * projection's state row, so concurrent committers queue on it), then the clearing of a reset, then
 * per read model one batched delete and one batched upsert, then the dead letters. Whatever fails
 * rolls the whole transaction back. Thread-safe.
 *
 * <p>A commit of a partition clears only its own documents, and its deletes and upserts leave alone
 * the documents kept for another partition; after writing a read model's documents it reads which of
 * its ids another partition keeps (one query per {@value DocumentReader#IDS_PER_QUERY} ids) and, if
 * any, refuses the commit. The upsert has locked each such row, or waited for the transaction that
 * was inserting it, so the check sees every partition that wrote first: of two partitions creating
 * one document at once, exactly one commits. An unpartitioned commit pays nothing for this.
 */
public final class CommitWriter {

  /**
   * How often a partition's commit is done again after losing the race to insert a document (H2's
   * {@code MERGE} fails on the key where the other databases' upserts wait and find the row): the
   * transaction was rolled back, and done again it finds the winner's row.
   */
  private static final int INSERT_RACE_ATTEMPTS = 5;

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final StateTable states;
  private final DeadLetterTable deadLetters;

  public CommitWriter(Jdbi jdbi, SqlDialect dialect, StateTable states, DeadLetterTable deadLetters) {
    this.jdbi = jdbi;
    this.dialect = dialect;
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
   * @throws PartitionConflictException if a commit of a partition puts or deletes a document kept for
   *     another partition
   */
  public void write(Commit commit, Function<String, ReadModelTable> tables) {
    if (commit.partition() == Commit.UNPARTITIONED) {
      writeOnce(commit, tables);
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        writeOnce(commit, tables);
        return;
      } catch (JdbiException e) {
        boolean raceLost = SqlFailures.sqlCause(e).map(dialect::isDuplicateKey).orElse(false);
        if (!raceLost || attempt >= INSERT_RACE_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private void writeOnce(Commit commit, Function<String, ReadModelTable> tables) {
    jdbi.useTransaction(handle -> {
      if (commit.clearedReadModels().isEmpty()) {
        dialect.boundedStatements().ifPresent(handle::execute);
      }
      states.moveCheckpoint(handle, commit);
      int partition = commit.partition();
      for (String readModel : commit.clearedReadModels()) {
        ReadModelTable table = tables.apply(readModel);
        if (partition == Commit.UNPARTITIONED) {
          handle.execute(table.clearSql());
        } else {
          handle.createUpdate(table.partitionClearSql())
              .bind(ReadModelTable.PARTITION_COLUMN, partition).execute();
        }
      }
      if (commit.clearsDeadLetters()) {
        deadLetters.clear(handle, commit.projectionId());
      }
      for (ReadModelChanges changes : commit.changes()) {
        ReadModelTable table = tables.apply(changes.readModel());
        writeDocuments(handle, table, changes, partition);
        if (partition != Commit.UNPARTITIONED) {
          requireOwnPartition(handle, table, changes, commit);
        }
      }
      deadLetters.write(handle, commit);
    });
  }

  /** The changes hold each id once, so each batch is sent as it is. */
  private static void writeDocuments(Handle handle, ReadModelTable table, ReadModelChanges changes,
      int partition) {
    boolean partitioned = partition != Commit.UNPARTITIONED;
    if (!changes.deletes().isEmpty()) {
      PreparedBatch deletes = handle.prepareBatch(partitioned ? table.partitionDeleteSql()
          : table.deleteSql());
      changes.deletes().forEach(id -> {
        deletes.bind("id", id);
        if (partitioned) {
          deletes.bind(ReadModelTable.PARTITION_COLUMN, partition);
        }
        deletes.add();
      });
      deletes.execute();
    }
    if (!changes.puts().isEmpty()) {
      PreparedBatch upserts = handle.prepareBatch(partitioned ? table.partitionUpsertSql()
          : table.upsertSql());
      changes.puts().forEach(document -> table.addUpsert(upserts, document, partition));
      upserts.execute();
    }
  }

  private void requireOwnPartition(Handle handle, ReadModelTable table, ReadModelChanges changes,
      Commit commit) {
    List<String> ids = new ArrayList<>(changes.deletes());
    changes.puts().stream().map(StoredDocument::id).forEach(ids::add);
    for (int from = 0; from < ids.size(); from += DocumentReader.IDS_PER_QUERY) {
      var query = handle.createQuery(table.otherPartitionsSql(dialect.idIsAnyOf("id")))
          .bind(ReadModelTable.PARTITION_COLUMN, commit.partition());
      dialect.bindIds(query, ids.subList(from, Math.min(ids.size(), from + DocumentReader.IDS_PER_QUERY)));
      Optional<Map.Entry<String, Integer>> other = query
          .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2))).stream().findFirst();
      if (other.isPresent()) {
        throw new PartitionConflictException(commit.projectionId(), table.readModel(),
            other.get().getKey(), other.get().getValue(), commit.partition());
      }
    }
  }
}
