package io.orchestrix.projection.jdbc.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The names of the tables, indexes and locks of one table prefix and schema: every table is
 * {@code [<schema>.]<prefix><name>}. Names are built from validated parts (a-z, 0-9, '_'), so none
 * needs quoting, and none exceeds the 63 characters PostgreSQL allows. Immutable and thread-safe.
 */
public final class TableNames {

  /** The longest identifier every supported database accepts. */
  public static final int MAX_IDENTIFIER_LENGTH = 63;

  private static final Pattern PART = Pattern.compile("[a-z][a-z0-9_]*");

  private final @Nullable String schema;
  private final String prefix;

  /**
   * Names for tables called {@code [<schema>.]<prefix><name>}.
   *
   * @param schema the schema (a database on MariaDB), or null for the connection's default
   * @param prefix the table prefix
   * @throws IllegalArgumentException if the schema or prefix is not of a-z, 0-9 and '_', starting
   *     with a letter
   */
  public TableNames(@Nullable String schema, String prefix) {
    Objects.requireNonNull(prefix, "prefix must not be null");
    if (!PART.matcher(prefix).matches() || (schema != null && !PART.matcher(schema).matches())) {
      throw new IllegalArgumentException("schema and table prefix must be of a-z, 0-9 and '_',"
          + " starting with a letter, but were " + schema + " and '" + prefix + "'");
    }
    this.schema = schema;
    this.prefix = prefix;
  }

  /** The schema, or null for the connection's default. */
  public @Nullable String schema() {
    return schema;
  }

  /** The table prefix. */
  public String prefix() {
    return prefix;
  }

  /** The unqualified name of a table: {@code <prefix><name>}. */
  public String table(String name) {
    return prefix + name;
  }

  /** The qualified name of a table: {@code [<schema>.]<prefix><name>}. */
  public String qualified(String name) {
    return schema == null ? table(name) : schema + "." + table(name);
  }

  /**
   * An unqualified identifier (an index, a constraint) {@code <prefix><name>}, shortened with a hash
   * of the whole when longer than {@link #MAX_IDENTIFIER_LENGTH}, so distinct names stay distinct.
   */
  public String identifier(String name) {
    return shorten(prefix + name);
  }

  /**
   * A name unique to this schema and prefix among names starting with {@code kind}, at most
   * {@link #MAX_IDENTIFIER_LENGTH} characters: for locks and notification channels.
   */
  public String scoped(String kind) {
    return shorten(kind + (schema == null ? "" : schema + "_") + prefix);
  }

  /** The table recording the schema version of each component using this prefix. */
  public String schemaVersion() {
    return qualified("schema_version");
  }

  /** The name of the lock that serialises schema changes of these tables. */
  public String lockName() {
    return scoped("orx_schema_");
  }

  private static String shorten(String name) {
    if (name.length() <= MAX_IDENTIFIER_LENGTH) {
      return name;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return name.substring(0, 50) + "_" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return qualified("*");
  }
}
