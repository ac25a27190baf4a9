/**
 * Spring Boot integration of Orchestrix Projections: the {@link io.orchestrix.projection.spring.Projection}
 * annotation, the {@link io.orchestrix.projection.spring.ProjectionEngines} registry of the
 * application's projections, the {@link io.orchestrix.projection.spring.ReadYourWrites} helper and the
 * {@code orchestrix.projections.*} properties ({@link io.orchestrix.projection.spring.ProjectionsProperties}).
 */
@NullMarked
package io.orchestrix.projection.spring;

import org.jspecify.annotations.NullMarked;
