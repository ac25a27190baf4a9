/**
 * Internals of the JDBC projection store: its schema, the tables of states, dead letters and read
 * models, commit writing, reads and document limits. Not supported API: anything here may change or
 * disappear in any release without notice. Use {@link io.orchestrix.projection.jdbc.JdbcProjectionStore}
 * instead.
 */
@NullMarked
package io.orchestrix.projection.jdbc.internal;

import org.jspecify.annotations.NullMarked;
