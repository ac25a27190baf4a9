package io.orchestrix.projection.eventstore.jdbc.internal;

import org.jdbi.v3.core.statement.Query;

/**
 * What one reader knows, on PostgreSQL, about the positions at or below which every event is settled
 * (committed and visible to every later snapshot, or rolled back for ever): the horizon its reads stay
 * at or below. The proof is in docs/event-store-concurrency.md. In short: an append gets its
 * transaction id before it takes positions from the sequence; a probe reads the sequence's value
 * {@code taken} and then gets a new transaction id {@code probeXid}, so every transaction that had
 * taken a position up to {@code taken} has an id below {@code probeXid}; once a snapshot's
 * {@code xmin} reaches {@code probeXid}, all of them have ended, and every position up to
 * {@code taken} is settled. Each read binds what was known when it started ({@link #start()}),
 * computes its horizon in SQL from its own snapshot's {@code xmin}, and reports back
 * ({@link #completed}). Thread-safe.
 */
final class Horizon {

  private static final long NONE = Long.MAX_VALUE;

  /** Every position at or below it is settled. */
  private long safe;
  /** The sequence's value read by a probe, settled once a snapshot's xmin reaches {@link #pendingXid}. */
  private long pendingTaken;
  /** The transaction id the probe got after reading {@link #pendingTaken}, or {@link #NONE}. */
  private long pendingXid = NONE;
  /** The sequence's largest value read so far. */
  private long lastTaken;

  /** The values a statement binds, known before it starts. */
  record Known(long safe, long pendingTaken, long pendingXid) {
    <Q extends Query> Q bind(Q query) {
      query.bind("safe", safe).bind("pendingTaken", pendingTaken).bind("pendingXid", pendingXid);
      return query;
    }
  }

  synchronized Known start() {
    return new Known(safe, pendingTaken, pendingXid);
  }

  /**
   * Records what a read saw: the horizon it used, its snapshot's xmin, and the sequence's value.
   */
  synchronized void completed(long upper, long xmin, long taken) {
    safe = Math.max(safe, upper);
    if (pendingXid != NONE && xmin >= pendingXid) {
      safe = Math.max(safe, pendingTaken);
      pendingXid = NONE;
    }
    lastTaken = Math.max(lastTaken, taken);
  }

  /** Whether positions above the horizon have been taken and no probe is waiting to settle them. */
  synchronized boolean needsProbe() {
    return pendingXid == NONE && lastTaken > safe;
  }

  /** Records a probe: the sequence's value, then the transaction id it got. */
  synchronized void probed(long taken, long probeXid) {
    lastTaken = Math.max(lastTaken, taken);
    if (pendingXid == NONE && taken > safe) {
      pendingTaken = taken;
      pendingXid = probeXid;
    }
  }

  /** Whether positions above {@code upper} have been taken, so that another statement may see more. */
  synchronized boolean behindTaken(long upper) {
    return lastTaken > upper;
  }
}
