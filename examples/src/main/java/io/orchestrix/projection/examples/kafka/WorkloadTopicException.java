package io.orchestrix.projection.examples.kafka;

/**
 * The workload's topic cannot be used: it is missing and no partition count was given to create it,
 * it has another partition count, it holds records that are not the workload's, or the cluster did
 * not answer. The message names the topic and what to do.
 */
public final class WorkloadTopicException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** An exception with its message. */
  public WorkloadTopicException(String message) {
    super(message);
  }

  /** An exception with its message and cause. */
  public WorkloadTopicException(String message, Throwable cause) {
    super(message, cause);
  }
}
