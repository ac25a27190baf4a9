/**
 * The JDBC store: durable projection state, read models and dead letters on PostgreSQL, MariaDB and
 * H2 through Jdbi 3. Open it with {@code ProjectionStores.open("jdbc:postgresql://...")},
 * {@link io.orchestrix.projection.jdbc.JdbcProjectionStore#open(String, java.util.Map)} or, on your own
 * pool, {@link io.orchestrix.projection.jdbc.JdbcProjectionStore#create(javax.sql.DataSource,
 * io.orchestrix.projection.jdbc.JdbcStoreOptions)}. An event store on the same databases is in the
 * module event-store-jdbc.
 */
@NullMarked
package io.orchestrix.projection.jdbc;

import org.jspecify.annotations.NullMarked;
