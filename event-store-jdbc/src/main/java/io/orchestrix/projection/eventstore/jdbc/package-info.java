/**
 * The JDBC event store: an append-only event log on PostgreSQL, MariaDB and H2 with optimistic
 * concurrency per stream and gap-free positions, and an {@link io.orchestrix.projection.EventSource}
 * that a projection runner follows. Open it with
 * {@link io.orchestrix.projection.eventstore.jdbc.JdbcEventStore#open(String,
 * io.orchestrix.projection.core.json.EventTypes, java.util.Map)}; it takes the URLs and properties of
 * the JDBC projection store (store-jdbc), and may share its databases and table prefix.
 */
@NullMarked
package io.orchestrix.projection.eventstore.jdbc;

import org.jspecify.annotations.NullMarked;
