/**
 * The store contract test kit: {@link io.orchestrix.projection.tck.ProjectionStoreContract}, which
 * every {@link io.orchestrix.projection.spi.ProjectionStore} runs by extending it, the contracts it
 * is made of (one interface per concern, such as {@link io.orchestrix.projection.tck.TextContract}),
 * the {@link io.orchestrix.projection.tck.StoreFixture} they share, their fixtures, and
 * {@link io.orchestrix.projection.tck.TestServers}, which finds the database servers store tests run
 * against.
 */
@NullMarked
package io.orchestrix.projection.tck;

import org.jspecify.annotations.NullMarked;
