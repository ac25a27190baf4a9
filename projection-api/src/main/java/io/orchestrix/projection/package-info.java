/**
 * The public contracts of Orchestrix Projections: events ({@link io.orchestrix.projection.EventEnvelope}),
 * projection state, handlers, read models, the engine and the typed exceptions.
 *
 * <p>Every type in this package is non-null by default; the few nullable values are marked
 * {@code @Nullable} or returned as {@link java.util.Optional}.
 */
@NullMarked
package io.orchestrix.projection;

import org.jspecify.annotations.NullMarked;
