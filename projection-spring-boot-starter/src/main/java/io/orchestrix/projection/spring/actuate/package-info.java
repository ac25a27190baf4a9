/**
 * Spring Boot Actuator support: the {@code projections} health indicator and the
 * {@code /actuator/projections} endpoint.
 */
@NullMarked
package io.orchestrix.projection.spring.actuate;

import org.jspecify.annotations.NullMarked;
