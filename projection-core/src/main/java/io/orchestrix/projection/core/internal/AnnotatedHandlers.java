package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.HandlerContext;
import io.orchestrix.projection.Handles;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Finds the {@link Handles}-annotated methods of a projection object and turns them into handlers. */
final class AnnotatedHandlers {

  private AnnotatedHandlers() {}

  static List<RegisteredHandler> scan(Object projection) {
    Class<?> type = projection.getClass();
    List<Method> methods = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method method : c.getDeclaredMethods()) {
        if (method.isAnnotationPresent(Handles.class) && !method.isBridge()) {
          methods.add(method);
        }
      }
    }
    if (methods.isEmpty()) {
      throw new IllegalArgumentException(type.getName()
          + " has no @Handles method; annotate each handler method with @Handles");
    }
    methods.sort(Comparator.comparingInt((Method m) -> m.getAnnotation(Handles.class).order())
        .thenComparing(Method::getName)
        .thenComparing(m -> m.getParameterTypes()[0].getName()));
    List<RegisteredHandler> handlers = new ArrayList<>(methods.size());
    for (Method method : methods) {
      handlers.add(toHandler(projection, method));
    }
    return handlers;
  }

  private static RegisteredHandler toHandler(Object projection, Method method) {
    String name = method.getDeclaringClass().getSimpleName() + "." + method.getName();
    Class<?>[] parameters = method.getParameterTypes();
    if (Modifier.isStatic(method.getModifiers())) {
      throw new IllegalArgumentException("@Handles method " + name + " must not be static");
    }
    if (parameters.length < 1 || parameters.length > 2
        || (parameters.length == 2 && parameters[1] != HandlerContext.class)) {
      throw new IllegalArgumentException("@Handles method " + name
          + " must take (EventType) or (EventType, HandlerContext) but takes "
          + List.of(parameters));
    }
    if (parameters[0].isPrimitive()) {
      throw new IllegalArgumentException("@Handles method " + name
          + " must take an event object, not the primitive " + parameters[0]);
    }
    Class<?> returnType = method.getReturnType();
    boolean async = CompletionStage.class.isAssignableFrom(returnType);
    if (!async && returnType != void.class) {
      throw new IllegalArgumentException("@Handles method " + name
          + " must return void or a CompletionStage but returns " + returnType.getName());
    }
    MethodHandle handle;
    try {
      method.setAccessible(true);
      handle = MethodHandles.lookup().unreflect(method).bindTo(projection);
    } catch (IllegalAccessException | RuntimeException e) {
      throw new IllegalArgumentException("@Handles method " + name + " cannot be called: " + e, e);
    }
    boolean withContext = parameters.length == 2;
    MethodHandle generic = handle.asType(withContext
        ? MethodType.methodType(Object.class, Object.class, HandlerContext.class)
        : MethodType.methodType(Object.class, Object.class));
    RegisteredHandler.Invoker invoker;
    if (async) {
      invoker = withContext
          ? (payload, context) -> stageOrMarker(generic.invokeExact(payload, context))
          : (payload, context) -> stageOrMarker(generic.invokeExact(payload));
    } else {
      invoker = withContext
          ? (payload, context) -> {
            Object ignored = generic.invokeExact(payload, context);
            return null;
          }
          : (payload, context) -> {
            Object ignored = generic.invokeExact(payload);
            return null;
          };
    }
    return new RegisteredHandler(name, parameters[0], invoker,
        method.isAnnotationPresent(io.orchestrix.projection.SideEffecting.class));
  }

  private static CompletionStage<?> stageOrMarker(Object result) {
    return result == null ? RegisteredHandler.NULL_STAGE : (CompletionStage<?>) result;
  }
}
