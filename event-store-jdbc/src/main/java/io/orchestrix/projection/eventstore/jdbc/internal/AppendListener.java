package io.orchestrix.projection.eventstore.jdbc.internal;

import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.jdbc.support.SqlDialect;
import io.orchestrix.projection.jdbc.support.SqlFailures;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the event store's PostgreSQL notification channel on one dedicated connection, from one
 * daemon thread started on first use, and wakes the threads waiting for appends. The connection is
 * re-opened (and {@code LISTEN} re-issued) after any failure, with backoff; each time it is, waiters
 * are woken so they look at the head again, because notifications sent while nobody listened are
 * lost. Thread-safe.
 */
public final class AppendListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AppendListener.class);
  /** How long one {@code getNotifications} call blocks, bounding how late {@link #close} is noticed. */
  private static final int POLL_MILLIS = 500;
  /** How often an idle listening connection is checked with a query, to notice a dead socket. */
  private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);
  private static final Duration LAST_RETRY = Duration.ofSeconds(2);

  private final Jdbi jdbi;
  private final SqlDialect dialect;
  private final String channel;
  private final String description;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private @Nullable Thread thread;
  private boolean closed;
  private boolean listening;
  private long generation;
  private long received;
  private long highestNotified;
  private @Nullable StoreException failure;

  /**
   * A listener on a channel.
   *
   * @param jdbi where to take the dedicated connection from (held as long as the listener runs)
   * @param description the database, without password, for messages
   */
  public AppendListener(Jdbi jdbi, SqlDialect dialect, String channel, String description) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.channel = channel;
    this.description = description;
  }

  /**
   * Waits until an event after {@code afterPosition} is committed (already, or notified while
   * waiting), or the timeout passes. Starts listening first if not yet, and looks at the head only
   * once the channel is listened to, so an append committed after the look is notified.
   *
   * @param headPosition reads the committed head
   * @return true if an event after the position is committed, or the listening connection was
   *     re-opened meanwhile (a notification may have been missed, so the caller should look); false at
   *     the timeout, or if the channel is not listened to within it
   * @throws StoreException the last connection failure, if the listener is not listening because of it
   */
  public boolean awaitAppend(long afterPosition, Duration timeout, LongSupplier headPosition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    Ticket ticket = ticket(deadline);
    if (ticket == null) {
      return false;
    }
    if (headPosition.getAsLong() > afterPosition) {
      return true;
    }
    return awaitNotification(ticket, afterPosition, deadline);
  }

  /** What a waiter saw when it started: compared with what the listener saw since. */
  private record Ticket(long generation, long received) {}

  /**
   * Starts listening if not yet, and waits until the channel is listened to, so that every append
   * committing from now on is notified.
   *
   * @return the ticket to pass to {@link #awaitNotification}, or null if not listening within the timeout
   * @throws StoreException the last connection failure, if the listener is not listening because of it
   */
  private @Nullable Ticket ticket(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      startIfNeeded();
      while (!listening && !closed) {
        if (failure != null) {
          throw failure;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        changed.awaitNanos(left);
      }
      return closed ? null : new Ticket(generation, received);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for a notification after the ticket of a position above {@code afterPosition}, or for the
   * listening connection to change (then anything may have been missed, so the caller must look).
   *
   * @return true if the caller should read, false at the deadline
   */
  private boolean awaitNotification(Ticket ticket, long afterPosition, long deadlineNanos)
      throws InterruptedException {
    lock.lock();
    try {
      while (!(received > ticket.received() && highestNotified > afterPosition)) {
        if (closed || !listening || generation != ticket.generation()) {
          return !closed;
        }
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.awaitNanos(left);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void startIfNeeded() {
    if (thread == null && !closed) {
      Thread started = new Thread(this::run, "orchestrix-event-listener-" + channel);
      started.setDaemon(true);
      thread = started;
      started.start();
    }
  }

  private void run() {
    Duration retry = FIRST_RETRY;
    while (!isClosed()) {
      try (Handle handle = jdbi.open()) {
        Connection connection = handle.getConnection();
        PGConnection pg = connection.unwrap(PGConnection.class);
        try (Statement statement = connection.createStatement()) {
          statement.execute("LISTEN " + channel);
        }
        update(() -> {
          listening = true;
          failure = null;
          generation++;
        });
        retry = FIRST_RETRY;
        listen(connection, pg);
      } catch (SQLException | JdbiException | IllegalStateException e) {
        if (isClosed()) {
          break;
        }
        RuntimeException failed = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        StoreException lost = SqlFailures.translate(dialect,
            "listening for appends on channel '" + channel + "'", description, null, failed);
        LOG.warn("{}; listening again in {}", lost.getMessage(), retry);
        update(() -> {
          listening = false;
          failure = lost;
        });
        pause(retry);
        retry = retry.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : retry.multipliedBy(2);
      }
    }
    update(() -> listening = false);
  }

  private void listen(Connection connection, PGConnection pg) throws SQLException {
    long checked = System.nanoTime();
    while (!isClosed()) {
      PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
      if (notifications != null && notifications.length > 0) {
        long highest = 0;
        for (PGNotification notification : notifications) {
          highest = Math.max(highest, positionOf(notification.getParameter()));
        }
        long seen = highest;
        update(() -> {
          received++;
          highestNotified = Math.max(highestNotified, seen);
        });
      } else if (System.nanoTime() - checked > CHECK_NANOS) {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SELECT 1");
        }
        checked = System.nanoTime();
      }
    }
  }

  private static long positionOf(String payload) {
    try {
      return Long.parseLong(payload.trim());
    } catch (NumberFormatException e) {
      // not ours or not a number: wake the readers, who look at the head themselves
      return Long.MAX_VALUE;
    }
  }

  private void pause(Duration wait) {
    long nanos = wait.toNanos();
    lock.lock();
    try {
      while (nanos > 0 && !closed) {
        nanos = changed.awaitNanos(nanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  private boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  private void update(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops listening and waits up to a few seconds for the thread, which closes its connection. */
  @Override
  public void close() {
    Thread running;
    lock.lock();
    try {
      closed = true;
      changed.signalAll();
      running = thread;
    } finally {
      lock.unlock();
    }
    if (running != null && running != Thread.currentThread()) {
      try {
        running.join(POLL_MILLIS * 4L);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
