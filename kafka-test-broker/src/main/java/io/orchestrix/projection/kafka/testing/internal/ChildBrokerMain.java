package io.orchestrix.projection.kafka.testing.internal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The main class of a {@link ChildProcessBroker}'s JVM: formats the log directory unless it is
 * formatted already, then runs {@code kafka.Kafka} with the properties file, as
 * {@code kafka-storage.sh format} and {@code kafka-server-start.sh} would. It also watches its
 * standard input: the parent never writes to it, so its end means the parent is gone, and the broker
 * halts at once instead of holding its ports and directory as an orphan.
 *
 * <p>Arguments: the {@code server.properties} file and the cluster id.
 */
public final class ChildBrokerMain {

  private ChildBrokerMain() {}

  /** Runs the broker until it is stopped by a signal or the parent goes away. */
  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: ChildBrokerMain SERVER_PROPERTIES CLUSTER_ID");
      System.exit(2);
    }
    watchParent();
    Path properties = Path.of(args[0]);
    KraftNode.format(properties, args[1], System.out);
    kafka.Kafka.main(new String[] {properties.toString()});
  }

  private static void watchParent() {
    Thread watcher = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // the parent writes nothing; only the end of the stream matters
        }
      } catch (IOException closed) {
        // as good as the end of the stream
      }
      Runtime.getRuntime().halt(3);
    }, "parent-watch");
    watcher.setDaemon(true);
    watcher.start();
  }
}
