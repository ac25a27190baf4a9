/**
 * Internals of the JDBC event store: its tables and statements, reads that stop at holes, the
 * PostgreSQL append listener. Not supported API: anything here may change or disappear in any release
 * without notice. Use {@link io.orchestrix.projection.eventstore.jdbc.JdbcEventStore} instead.
 */
@NullMarked
package io.orchestrix.projection.eventstore.jdbc.internal;

import org.jspecify.annotations.NullMarked;
