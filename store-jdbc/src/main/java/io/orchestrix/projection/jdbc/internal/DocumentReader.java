package io.orchestrix.projection.jdbc.internal;

import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jspecify.annotations.Nullable;

/**
 * Reads of read-model tables, each statement in auto-commit, so it sees only committed data: by id,
 * by a list of ids (one statement per {@value #IDS_PER_QUERY} ids), by an index value, counts, and
 * pages in id order. Thread-safe.
 */
public final class DocumentReader {

  /** How many ids one query of {@link #findAll} asks for. */
  static final int IDS_PER_QUERY = 1000;

  private final Jdbi jdbi;
  private final SqlDialect dialect;

  public DocumentReader(Jdbi jdbi, SqlDialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  /** The document with this id, if any. */
  public Optional<StoredDocument> find(ReadModelTable table, String id) {
    return jdbi.withHandle(handle -> handle.createQuery(table.findSql())
        .bind("id", id).map(table).findOne());
  }

  /** The documents among these distinct ids that exist, by id. */
  public Map<String, StoredDocument> findAll(ReadModelTable table, List<String> ids) {
    return jdbi.withHandle(handle -> {
      Map<String, StoredDocument> documents = new HashMap<>();
      for (int from = 0; from < ids.size(); from += IDS_PER_QUERY) {
        var query = handle.createQuery(table.findWhereSql(dialect.idIsAnyOf("id")));
        dialect.bindIds(query, ids.subList(from, Math.min(ids.size(), from + IDS_PER_QUERY)));
        query.map(table).forEach(document -> documents.put(document.id(), document));
      }
      return documents;
    });
  }

  /** The documents whose index has this value, in id order. */
  public List<StoredDocument> findByIndex(ReadModelTable table, String index, String value) {
    return jdbi.withHandle(handle -> handle.createQuery(table.findByIndexSql(index))
        .bind("value", value).map(table).list());
  }

  /** How many documents the table holds. */
  public long count(ReadModelTable table) {
    return jdbi.withHandle(handle -> handle.createQuery(table.countSql()).mapTo(Long.class).one());
  }

  /** Up to {@code limit} documents after {@code afterId} (from the first if null), in id order. */
  public List<StoredDocument> page(ReadModelTable table, @Nullable String afterId, int limit) {
    return jdbi.withHandle(handle -> {
      var query = handle.createQuery(table.pageSql(afterId != null)).bind("limit", limit);
      if (afterId != null) {
        query.bind("after", afterId);
      }
      return query.map(table).list();
    });
  }
}
