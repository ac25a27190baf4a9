/**
 * Internals of the JDBC store: dialects, schema management, SQL and error mapping. Not supported API:
 * anything here may change or disappear in any release without notice. Use
 * {@link io.orchestrix.projection.jdbc.JdbcProjectionStore} instead.
 */
@NullMarked
package io.orchestrix.projection.jdbc.internal;

import org.jspecify.annotations.NullMarked;
