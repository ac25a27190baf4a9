/** The orders web service: a Spring Boot application built on the projections starter. */
@NullMarked
package io.orchestrix.projection.examples.orders;

import org.jspecify.annotations.NullMarked;
