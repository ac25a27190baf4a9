package io.orchestrix.projection;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a projection object as an event handler, the Java counterpart of the seed's
 * {@code @engine.on(EventType)} decorator. Register the object with
 * {@link ProjectionEngine#register(Object)}.
 *
 * <p>The method's first parameter is the payload type it handles; an optional second parameter of type
 * {@link HandlerContext} gets the context. It returns {@code void} (synchronous) or a
 * {@link java.util.concurrent.CompletionStage} (asynchronous). It may be private and may declare
 * checked exceptions. Handlers of one object run in the order of their declaration in
 * {@link #order()}, then by method name, so that order never depends on reflection.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Handles {

  /**
   * {@return the position among this object's handlers for the same event (lower runs first); 0 by
   * default}
   */
  int order() default 0;
}
