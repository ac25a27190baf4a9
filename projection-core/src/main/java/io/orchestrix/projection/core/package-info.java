/**
 * The engine: {@link io.orchestrix.projection.core.Projections} builds a
 * {@link io.orchestrix.projection.ProjectionEngine}; {@link
 * io.orchestrix.projection.core.InMemoryProjectionStateStore} is the embedded default store
 * ({@code memory:}); {@link io.orchestrix.projection.core.json.JacksonDocumentCodec} serialises documents;
 * {@link io.orchestrix.projection.MetricNames} lists the Micrometer meters.
 */
@NullMarked
package io.orchestrix.projection.core;

import org.jspecify.annotations.NullMarked;
