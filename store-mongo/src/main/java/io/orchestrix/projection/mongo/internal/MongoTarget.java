package io.orchestrix.projection.mongo.internal;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.MongoException;
import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.support.StoreUris;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Where a store opened by URI connects: the URI checked before any connection is made, the database
 * the store uses, the driver's settings and the error translation that knows the password to hide.
 * Immutable.
 *
 * <p>The URI must be {@code mongodb://} or {@code mongodb+srv://} followed by at least one host
 * (checked by {@link StoreUris#parseHierarchical}, which also refuses ports outside 1 to 65535), then
 * parse as a MongoDB connection string. The store needs a database: the URI's path names it, or, when
 * the URI names none, the {@code database} option; naming none at all, or two different ones, is
 * refused.
 *
 * @param connection the parsed connection string
 * @param database the database the store uses
 * @param redacted the URI without its password, for messages
 * @param errors translates driver exceptions for this URI
 */
public record MongoTarget(
    ConnectionString connection, String database, String redacted, StoreErrors errors) {

  /** The URI schemes a MongoDB connection string may have. */
  public static final Set<String> SCHEMES = Set.of("mongodb", "mongodb+srv");

  /** Server-selection timeout when neither the URI nor the options set one. */
  public static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(10);
  /** Socket read timeout when neither the URI nor the options set one. */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(60);

  /**
   * Checks a URI and works out the database.
   *
   * @param uri the connection string
   * @param database the database named by the options, if any
   * @throws StoreConfigurationException naming the redacted URI and what is wrong
   */
  public static MongoTarget parse(String uri, Optional<String> database) {
    String masked = maskPassword(uri);
    StoreUris.Hierarchical parts = StoreUris.parseHierarchical(masked);
    String redacted = parts.redacted();
    if (!SCHEMES.contains(parts.scheme())) {
      throw new StoreConfigurationException("'" + redacted + "' is not a MongoDB URI; it must start"
          + " with mongodb:// or mongodb+srv://", null);
    }
    // The driver's messages quote what they refuse; the masked URI fails alike without a password.
    requireConnectionString(masked, redacted);
    ConnectionString connection;
    try {
      connection = new ConnectionString(uri);
    } catch (IllegalArgumentException | MongoException e) {
      throw new StoreConfigurationException("malformed MongoDB URI '" + redacted + "': the user name"
          + " or password is not written as MongoDB requires (percent-encode : / ? # [ ] @ and %"
          + " in them)", null);
    }
    if (connection.getCollection() != null) {
      throw new StoreConfigurationException("MongoDB URI '" + redacted + "' names the collection '"
          + connection.getCollection() + "' after its database; the store names its own collections"
          + " (see the property 'collection-prefix'), so write the database alone", null);
    }
    MongoCredential credential = connection.getCredential();
    StoreErrors errors = new StoreErrors(redacted, connection.getHosts(),
        credential == null ? null : credential.getUserName(),
        credential == null ? null : credential.getPassword());
    return new MongoTarget(connection, databaseOf(connection, database, redacted), redacted, errors);
  }

  private static void requireConnectionString(String masked, String redacted) {
    try {
      new ConnectionString(masked);
    } catch (IllegalArgumentException | MongoException e) {
      throw new StoreConfigurationException(
          "malformed MongoDB URI '" + redacted + "': " + e.getMessage(), null);
    }
  }

  /**
   * The URI with its password replaced by {@code ****}. The user information ends at the last
   * {@code @} before the first {@code /} after the hosts, as the driver reads it, or, if there is
   * none there, at the last {@code @} before the query, so that a password holding an unencoded
   * {@code /} or {@code ?} is masked whole too; the password is what follows its first {@code :}.
   */
  static String maskPassword(String uri) {
    int scheme = uri.indexOf("://");
    if (scheme < 0) {
      return uri;
    }
    int start = scheme + 3;
    int slash = uri.indexOf('/', start);
    int end = uri.lastIndexOf('@', slash < 0 ? uri.length() - 1 : slash - 1);
    if (end < start) {
      int query = uri.indexOf('?', start);
      end = uri.lastIndexOf('@', query < 0 ? uri.length() - 1 : query - 1);
    }
    if (end < start) {
      return uri;
    }
    int colon = uri.indexOf(':', start);
    return colon < 0 || colon > end ? uri : uri.substring(0, colon + 1) + "****" + uri.substring(end);
  }

  private static String databaseOf(
      ConnectionString connection, Optional<String> fromOptions, String redacted) {
    String fromUri = connection.getDatabase();
    if (fromUri == null || fromUri.isEmpty()) {
      return fromOptions.orElseThrow(() -> new StoreConfigurationException("MongoDB URI '" + redacted
          + "' names no database; write it as the URI's path (mongodb://host/mydb) or set the"
          + " property 'database'", null));
    }
    if (fromOptions.isPresent() && !fromUri.equals(fromOptions.get())) {
      throw new StoreConfigurationException("MongoDB URI '" + redacted + "' names the database '"
          + fromUri + "' but the property 'database' names '" + fromOptions.get() + "'; name it once",
          null);
    }
    String problem = DatabaseNames.problem(fromUri);
    if (problem != null) {
      throw new StoreConfigurationException("MongoDB URI '" + redacted + "': " + problem, null);
    }
    return fromUri;
  }

  /**
   * The driver's settings: the connection string's, with the given timeouts where the URI sets none,
   * and an application name.
   *
   * @param serverSelectionTimeout overrides the URI's {@code serverSelectionTimeoutMS} if present
   * @param socketTimeout overrides the URI's {@code socketTimeoutMS} if present
   */
  public MongoClientSettings settings(
      Optional<Duration> serverSelectionTimeout, Optional<Duration> socketTimeout) {
    long selectionMillis = serverSelectionTimeout.map(Duration::toMillis)
        .orElse(connection.getServerSelectionTimeout() != null
            ? connection.getServerSelectionTimeout().longValue()
            : DEFAULT_SERVER_SELECTION_TIMEOUT.toMillis());
    long socketMillis = socketTimeout.map(Duration::toMillis)
        .orElse(connection.getSocketTimeout() != null
            ? connection.getSocketTimeout().longValue()
            : DEFAULT_SOCKET_TIMEOUT.toMillis());
    MongoClientSettings.Builder settings = MongoClientSettings.builder()
        .applyConnectionString(connection)
        .applyToClusterSettings(
            cluster -> cluster.serverSelectionTimeout(selectionMillis, TimeUnit.MILLISECONDS))
        .applyToSocketSettings(
            socket -> socket.readTimeout((int) Math.min(Integer.MAX_VALUE, socketMillis),
                TimeUnit.MILLISECONDS));
    if (connection.getApplicationName() == null) {
      settings.applicationName("orchestrix-projections");
    }
    return settings.build();
  }

  /** The hosts as written in the URI. */
  public List<String> hosts() {
    return connection.getHosts();
  }
}
