/**
 * The auto-configuration of Orchestrix Projections for Spring Boot. Its classes are named in
 * {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}; an
 * application never refers to them except to exclude one.
 */
@NullMarked
package io.orchestrix.projection.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
