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
import org.jspecify.annotations.Nullable;

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
    StoreUris.Hierarchical parts = StoreUris.parseHierarchical(uri);
    String redacted = parts.redacted();
    if (!SCHEMES.contains(parts.scheme())) {
      throw new StoreConfigurationException("'" + redacted + "' is not a MongoDB URI; it must start"
          + " with mongodb:// or mongodb+srv://", null);
    }
    ConnectionString connection;
    try {
      connection = new ConnectionString(uri);
    } catch (IllegalArgumentException | MongoException e) {
      throw new StoreConfigurationException("malformed MongoDB URI '" + redacted + "': "
          + scrub(uri, e.getMessage()), null);
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

  /** The driver's message with the URI's password, raw or decoded, replaced by {@code ****}. */
  private static String scrub(String uri, @Nullable String message) {
    if (message == null) {
      return "";
    }
    int scheme = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    if (scheme < 0 || at < scheme) {
      return message;
    }
    String userInfo = uri.substring(scheme + 3, at);
    int colon = userInfo.indexOf(':');
    if (colon < 0 || colon == userInfo.length() - 1) {
      return message;
    }
    String password = userInfo.substring(colon + 1);
    String scrubbed = message.replace(password, "****");
    try {
      String decoded = java.net.URLDecoder.decode(password, java.nio.charset.StandardCharsets.UTF_8);
      return decoded.isEmpty() ? scrubbed : scrubbed.replace(decoded, "****");
    } catch (IllegalArgumentException undecodable) {
      return scrubbed;
    }
  }
}
