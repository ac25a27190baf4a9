/**
 * The service-provider interface a store implements: {@link io.orchestrix.projection.spi.ProjectionStore}
 * and its {@link io.orchestrix.projection.spi.ProjectionStoreProvider}, found by
 * {@link java.util.ServiceLoader} by URI scheme. The contract test kit ({@code projection-store-tck})
 * checks an implementation against every rule written here.
 */
@NullMarked
package io.orchestrix.projection.spi;

import org.jspecify.annotations.NullMarked;
