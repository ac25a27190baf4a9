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

  /** {@return the schema, or null for the connection's default} */
  public @Nullable String schema() {
    return schema;
  }

  /** {@return the table prefix} */
  public String prefix() {
    return prefix;
  }

  /**
   * The unqualified name of a table: {@code <prefix><name>}.
   *
   * @param name the table's name without prefix
   * @return the prefixed name
   */
  public String table(String name) {
    return prefix + name;
  }

  /**
   * The qualified name of a table: {@code [<schema>.]<prefix><name>}.
   *
   * @param name the table's name without prefix
   * @return the qualified name
   */
  public String qualified(String name) {
    return schema == null ? table(name) : schema + "." + table(name);
  }

  /**
   * An unqualified identifier (an index, a constraint) {@code <prefix><name>}, shortened with a hash
   * of the whole when longer than {@link #MAX_IDENTIFIER_LENGTH}, so distinct names stay distinct.
   *
   * @param name the identifier's name without prefix
   * @return the identifier, at most {@link #MAX_IDENTIFIER_LENGTH} characters
   */
  public String identifier(String name) {
    return shorten(prefix + name);
  }

  /**
   * A name unique to this schema and prefix among names starting with {@code kind}, at most
   * {@link #MAX_IDENTIFIER_LENGTH} characters: for locks and notification channels.
   *
   * @param kind the name's kind, its start (such as {@code orx_schema_})
   * @return the name
   */
  public String scoped(String kind) {
    return shorten(kind + (schema == null ? "" : schema + "_") + prefix);
  }

  /** {@return the table recording the schema version of each component using this prefix} */
  public String schemaVersion() {
    return qualified("schema_version");
  }

  /** {@return the name of the lock that serialises schema changes of these tables} */
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
