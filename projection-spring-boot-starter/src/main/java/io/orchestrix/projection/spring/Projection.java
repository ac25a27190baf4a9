package io.orchestrix.projection.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.stereotype.Component;

/**
 * Marks a bean as a projection: the starter builds one {@link io.orchestrix.projection.ProjectionEngine}
 * for it, registers its {@link io.orchestrix.projection.Handles @Handles} methods, and runs it in the
 * application's {@link io.orchestrix.projection.core.ProjectionRunner}, which starts and stops with
 * the application context.
 *
 * <p>The projection's read models are the {@code static} fields of type
 * {@link io.orchestrix.projection.ReadModel} declared on the annotated class and on the classes named
 * in {@link #readModels()}. Each of them can be injected as a
 * {@link io.orchestrix.projection.ReadModelView ReadModelView&lt;T&gt;} of its document type, reading
 * what the projection has committed. A read model belongs to one projection: declaring the same read
 * model name in two projections fails the start.
 *
 * <p>Meta-annotated with {@link Component}, so component scanning finds annotated classes; a
 * {@code @Bean} method whose bean class carries it works as well.
 *
 * <pre>{@code
 * @Projection(id = "order-summary", readModels = OrderSummary.class)
 * class OrderSummaryProjection {
 *   @Handles void on(OrderCreated e, HandlerContext ctx) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface Projection {

  /**
   * The projection id: its checkpoint's and meters' name, stable across releases (changing it starts
   * a new projection from the first event).
   *
   * @return the id: letters, digits, {@code _} and {@code -}
   */
  String id();

  /**
   * Classes whose static {@code ReadModel} fields are read models of this projection, besides the
   * annotated class's own.
   *
   * @return the classes; empty by default
   */
  Class<?>[] readModels() default {};

  /**
   * The version of the projection's code: bump it when a change of its handlers needs the read
   * models rebuilt. A node whose version the store does not know yet builds it as a new generation
   * beside the live one, which keeps serving queries until the new one has caught up and is cut over
   * (by itself, or by an operator: see {@code orchestrix.projections.generations.*} and the
   * {@code rebuild} action of the {@code projections} endpoint).
   *
   * @return the version: 1 to 40 letters, digits, {@code .}, {@code _} and {@code -}; default
   *     {@code "1"}
   */
  String version() default io.orchestrix.projection.core.ProjectionEngineBuilder.DEFAULT_VERSION;
}
