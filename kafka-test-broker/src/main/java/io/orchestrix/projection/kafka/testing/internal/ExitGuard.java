package io.orchestrix.projection.kafka.testing.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a broker running inside the test JVM from ending that JVM: Kafka ends its process through
 * {@link Exit} on a fatal fault (a failed log directory, a metadata error), which in a test JVM would
 * end every test at once with no report. Once installed for the JVM, such a call is logged as an
 * error and thrown as an {@link IllegalStateException} in the Kafka thread that made it, so that
 * broker stops working and the test that uses it fails. Thread-safe.
 */
final class ExitGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ExitGuard.class);
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private ExitGuard() {}

  static void install() {
    if (INSTALLED.compareAndSet(false, true)) {
      Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
      Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
    }
  }

  private static void refuse(String what, int status, String message) {
    String text = "an in-JVM Kafka broker asked to " + what + " the JVM with status " + status
        + (message == null ? "" : ": " + message) + "; the test JVM goes on without that broker";
    LOG.error(text);
    throw new IllegalStateException(text);
  }
}
