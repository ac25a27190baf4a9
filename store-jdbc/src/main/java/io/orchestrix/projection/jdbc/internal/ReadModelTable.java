package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.StoredDocument;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * One read model's table and the SQL that reads and writes it: columns {@code id} (primary key),
 * {@code doc_json}, {@code doc_position}, {@code doc_partition} (the partition of the commit that
 * last wrote the document, -1 for an unpartitioned one) and one indexed column {@code ix_<index>} per
 * declared index. Immutable and thread-safe.
 */
public final class ReadModelTable implements RowMapper<StoredDocument> {

  /** Prefix of the column of each index. */
  public static final String INDEX_COLUMN_PREFIX = "ix_";
  /** The column of the partition that last wrote each document. */
  public static final String PARTITION_COLUMN = "doc_partition";

  private final String readModel;
  private final String table;
  private final List<String> indexes;
  private final String selectColumns;
  private final String upsert;
  private final String partitionUpsert;

  ReadModelTable(SqlDialect dialect, String readModel, String table, List<String> indexes) {
    this.readModel = readModel;
    this.table = table;
    this.indexes = List.copyOf(indexes);
    List<String> columns = new ArrayList<>(List.of("id", "doc_json", "doc_position"));
    indexes.forEach(index -> columns.add(column(index)));
    this.selectColumns = String.join(", ", columns);
    List<String> values = columns.stream().map(c -> ":" + c).collect(Collectors.toList());
    values.set(1, dialect.documentParameter("doc_json"));
    List<String> written = new ArrayList<>(columns);
    written.add(PARTITION_COLUMN);
    List<String> unpartitioned = new ArrayList<>(values);
    unpartitioned.add(String.valueOf(Commit.UNPARTITIONED));
    this.upsert = dialect.upsert(table, List.of("id"), written, unpartitioned);
    List<String> partitioned = new ArrayList<>(values);
    partitioned.add(":" + PARTITION_COLUMN);
    this.partitionUpsert = dialect.partitionUpsert(table, List.of("id"), written, partitioned,
        PARTITION_COLUMN);
  }

  /** The column holding an index's values. */
  public static String column(String index) {
    return INDEX_COLUMN_PREFIX + index;
  }

  /** The read model's name. */
  public String readModel() {
    return readModel;
  }

  /** The indexes this table has columns for. */
  public List<String> indexes() {
    return indexes;
  }

  /**
   * Insert-or-replace of one document by an unpartitioned commit, which keeps it for no partition;
   * parameters are the column names.
   */
  public String upsertSql() {
    return upsert;
  }

  /**
   * Insert-or-replace of one document by a commit of partition {@code :doc_partition}, which leaves a
   * document kept for another partition as it is ({@link SqlDialect#partitionUpsert}).
   */
  public String partitionUpsertSql() {
    return partitionUpsert;
  }

  /** Delete of one document by {@code :id}. */
  public String deleteSql() {
    return "DELETE FROM " + table + " WHERE id = :id";
  }

  /**
   * Delete of one document by {@code :id} by a commit of partition {@code :doc_partition}, which
   * leaves a document kept for another partition.
   */
  public String partitionDeleteSql() {
    return deleteSql() + " AND " + PARTITION_COLUMN + " IN (-1, :" + PARTITION_COLUMN + ")";
  }

  /** Delete of every document. */
  public String clearSql() {
    return "DELETE FROM " + table;
  }

  /** Delete of the documents kept for partition {@code :doc_partition}. */
  public String partitionClearSql() {
    return clearSql() + " WHERE " + PARTITION_COLUMN + " = :" + PARTITION_COLUMN;
  }

  /**
   * Select of {@code id} and {@code doc_partition} of the documents among the ids of a condition that
   * are kept for another partition than {@code :doc_partition}.
   */
  public String otherPartitionsSql(String condition) {
    return "SELECT id, " + PARTITION_COLUMN + " FROM " + table + " WHERE " + condition + " AND "
        + PARTITION_COLUMN + " >= 0 AND " + PARTITION_COLUMN + " <> :" + PARTITION_COLUMN;
  }

  /** Select of one document by {@code :id}. */
  public String findSql() {
    return "SELECT " + selectColumns + " FROM " + table + " WHERE id = :id";
  }

  /** Select of the documents whose id matches a condition. */
  public String findWhereSql(String condition) {
    return "SELECT " + selectColumns + " FROM " + table + " WHERE " + condition;
  }

  /** Select by {@code :value} of an index, in id order. */
  public String findByIndexSql(String index) {
    return "SELECT " + selectColumns + " FROM " + table + " WHERE " + column(index)
        + " = :value ORDER BY id";
  }

  /** Select of the first {@code :limit} documents, or of those after {@code :after}, in id order. */
  public String pageSql(boolean afterAnId) {
    return "SELECT " + selectColumns + " FROM " + table + (afterAnId ? " WHERE id > :after" : "")
        + " ORDER BY id LIMIT :limit";
  }

  /** Count of the documents. */
  public String countSql() {
    return "SELECT COUNT(*) FROM " + table;
  }

  /**
   * Binds one document to a batch of {@link #upsertSql()} (for {@link Commit#UNPARTITIONED}) or of
   * {@link #partitionUpsertSql()} and adds it to the batch, after checking it against the store's
   * {@link DocumentLimits}: the commit's one pass over its documents is also its check.
   *
   * @throws io.orchestrix.projection.InvalidDocumentException if the document is beyond the limits
   */
  public void addUpsert(PreparedBatch batch, StoredDocument document, int partition) {
    DocumentLimits.check(readModel, document);
    batch.bind("id", document.id()).bind("doc_json", document.json())
        .bind("doc_position", document.position());
    if (partition != Commit.UNPARTITIONED) {
      batch.bind(PARTITION_COLUMN, partition);
    }
    for (String index : indexes) {
      batch.bindByType(column(index), document.indexValues().get(index), String.class);
    }
    batch.add();
  }

  @Override
  public StoredDocument map(ResultSet rs, StatementContext ctx) throws SQLException {
    Map<String, String> indexValues = new HashMap<>();
    for (int i = 0; i < indexes.size(); i++) {
      String value = rs.getString(4 + i);
      if (value != null) {
        indexValues.put(indexes.get(i), value);
      }
    }
    return new StoredDocument(rs.getString(1), rs.getString(2), indexValues, rs.getLong(3));
  }
}
