/**
 * Support for modules built on the JDBC store, such as the JDBC event store (event-store-jdbc): a
 * {@link io.orchestrix.projection.jdbc.support.JdbcDatabase} opened from a checked URL with its own
 * pool or on a caller's Jdbi, the {@link io.orchestrix.projection.jdbc.support.SqlDialect} of
 * PostgreSQL, MariaDB and H2, {@link io.orchestrix.projection.jdbc.support.TableNames} of a prefix and
 * schema, {@link io.orchestrix.projection.jdbc.support.SchemaVersions} of the components sharing a
 * prefix, and {@link io.orchestrix.projection.jdbc.support.SqlFailures} for turning driver errors into
 * store exceptions. Supported API for such modules, versioned with store-jdbc; applications use
 * {@link io.orchestrix.projection.jdbc.JdbcProjectionStore} instead.
 */
@NullMarked
package io.orchestrix.projection.jdbc.support;

import org.jspecify.annotations.NullMarked;
