/**
 * The MongoDB store: projection state, read models and dead letters in MongoDB through
 * mongodb-driver-sync. Open it by URI ({@code mongodb://...} or {@code mongodb+srv://...}) through
 * {@code ProjectionStores.open} (projection-core), or directly with
 * {@link io.orchestrix.projection.mongo.MongoProjectionStore#open}. See
 * {@link io.orchestrix.projection.mongo.MongoProjectionStore} for the collection layout and the two
 * commit modes, transactional and standalone.
 */
@NullMarked
package io.orchestrix.projection.mongo;

import org.jspecify.annotations.NullMarked;
