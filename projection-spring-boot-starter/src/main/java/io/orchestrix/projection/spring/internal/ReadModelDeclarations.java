package io.orchestrix.projection.spring.internal;

import io.orchestrix.projection.ReadModel;
import io.orchestrix.projection.spring.Projection;
import io.orchestrix.projection.spring.ProjectionDefinitionException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The read models of a {@link Projection} class: its static {@code ReadModel} fields and those of the
 * classes its annotation names. Stateless.
 */
public final class ReadModelDeclarations {

  private ReadModelDeclarations() {}

  /**
   * The read models a projection class declares, each once, in field order.
   *
   * @throws ProjectionDefinitionException if a field cannot be read or holds null
   */
  public static List<ReadModel<?>> of(Class<?> projectionClass, Projection annotation) {
    Set<Class<?>> holders = new LinkedHashSet<>();
    holders.add(projectionClass);
    holders.addAll(List.of(annotation.readModels()));
    List<ReadModel<?>> found = new ArrayList<>();
    for (Class<?> holder : holders) {
      for (Field field : holder.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) && ReadModel.class.isAssignableFrom(field.getType())) {
          ReadModel<?> readModel = read(field);
          if (found.stream().noneMatch(r -> r.name().equals(readModel.name()))) {
            found.add(readModel);
          }
        }
      }
    }
    return found;
  }

  private static ReadModel<?> read(Field field) {
    Object value;
    try {
      field.setAccessible(true);
      value = field.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new ProjectionDefinitionException("cannot read the read-model field "
          + field.getDeclaringClass().getName() + "." + field.getName() + ": " + e, e);
    }
    if (value == null) {
      throw new ProjectionDefinitionException("the read-model field "
          + field.getDeclaringClass().getName() + "." + field.getName() + " is null");
    }
    return (ReadModel<?>) value;
  }
}
