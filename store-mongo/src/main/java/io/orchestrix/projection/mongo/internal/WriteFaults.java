package io.orchestrix.projection.mongo.internal;

/**
 * A fault-injection point the commit paths pass before every write they send (a bulk write, a
 * delete-many, the checkpoint update), so that tests can make the N-th write of a commit fail the way
 * an outage or a crash would. Production stores use {@link #NONE}. Implementations must be
 * thread-safe.
 */
@FunctionalInterface
public interface WriteFaults {

  /** Lets every write through. */
  WriteFaults NONE = write -> {};

  /**
   * Called before a write is sent; throwing stops the commit there, with nothing of this write sent.
   *
   * @param write what is about to be written, for messages
   */
  void beforeWrite(String write);
}
