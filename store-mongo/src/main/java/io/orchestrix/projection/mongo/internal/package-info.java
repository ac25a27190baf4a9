/**
 * Internals of the MongoDB store: document layout, JSON/BSON conversion, commit paths, transaction
 * detection and error translation. Not supported API: anything here may change in any release without
 * notice. Use {@link io.orchestrix.projection.mongo.MongoProjectionStore} instead.
 */
@NullMarked
package io.orchestrix.projection.mongo.internal;

import org.jspecify.annotations.NullMarked;
