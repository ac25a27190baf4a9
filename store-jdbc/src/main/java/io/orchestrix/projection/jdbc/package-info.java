/**
 * The JDBC store: durable projection state, read models and dead letters on PostgreSQL, MariaDB and
 * H2 through Jdbi 3. Open it with {@code ProjectionStores.open("jdbc:postgresql://...")},
 * {@link io.orchestrix.projection.jdbc.JdbcProjectionStore#open(String, java.util.Map)} or, on your own
 * pool, {@link io.orchestrix.projection.jdbc.JdbcProjectionStore#create(javax.sql.DataSource,
 * io.orchestrix.projection.jdbc.JdbcStoreOptions)}. The same databases hold an event store,
 * {@link io.orchestrix.projection.jdbc.JdbcEventStore}: appends with optimistic concurrency, and a
 * gap-safe {@link io.orchestrix.projection.EventSource} for a projection runner to follow.
 */
@NullMarked
package io.orchestrix.projection.jdbc;

import org.jspecify.annotations.NullMarked;
