package io.orchestrix.projection.core.internal;

import io.orchestrix.projection.HandlerContext;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * One registered handler: the type it accepts, a name for messages, and how to call it.
 *
 * @param name shown in errors and dead letters
 * @param eventType payloads that are instances of it are handed to the handler
 * @param invoker calls the handler
 * @param sideEffecting whether it acts outside the read models, so it is not called while a new
 *     generation is built
 */
record RegisteredHandler(String name, Class<?> eventType, Invoker invoker, boolean sideEffecting) {

  /** A handler whose effect is in the read models only: called in every generation. */
  RegisteredHandler(String name, Class<?> eventType, Invoker invoker) {
    this(name, eventType, invoker, false);
  }

  /** Calls a handler; returns null for a synchronous one, its stage for an asynchronous one. */
  @FunctionalInterface
  interface Invoker {
    @Nullable CompletionStage<?> invoke(Object payload, HandlerContext context) throws Throwable;
  }

  /** A stand-in for "the async handler returned null", so the engine can tell it from sync. */
  static final CompletionStage<?> NULL_STAGE = new java.util.concurrent.CompletableFuture<>();
}
