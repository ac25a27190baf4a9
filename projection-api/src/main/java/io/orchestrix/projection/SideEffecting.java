package io.orchestrix.projection;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link Handles} method whose effect is outside the read models (sending mail, calling
 * another system): it is not called while the projection builds a new generation beside the live one
 * ({@link HandlerContext#isRebuilding()}), so a rebuild never repeats such effects, and it is called as
 * usual once that generation is live. For handlers registered as lambdas, use
 * {@link ProjectionEngine#onSideEffect}. Such effects are at-least-once outside a rebuild, as every
 * handler's effect outside the read models is.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface SideEffecting {}
