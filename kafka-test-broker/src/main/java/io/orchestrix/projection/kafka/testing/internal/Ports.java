package io.orchestrix.projection.kafka.testing.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free TCP ports on the loopback interface for a broker's listeners.
 *
 * <p>A port found free here can still be taken before the broker binds it. Two things keep that rare
 * and the caller handles the rest: ports are drawn at random below the kernel's ephemeral range
 * ({@code /proc/sys/net/ipv4/ip_local_port_range}), where outgoing connections of other processes
 * never land, rather than handed out by the kernel from inside that range; and a first start that
 * fails to bind is retried on other ports ({@link KraftNode#onOtherPorts()}). A restart must keep its
 * ports, which the killed broker has just released. Stateless and thread-safe.
 */
final class Ports {

  private static final int LOWEST = 20_000;
  private static final int DEFAULT_EPHEMERAL_START = 32_768;
  private static final int ATTEMPTS = 200;

  private Ports() {}

  /** {@code count} distinct ports that were free a moment ago. */
  static int[] freePorts(int count) {
    int end = ephemeralRangeStart();
    Set<Integer> chosen = new HashSet<>();
    int[] ports = new int[count];
    int found = 0;
    for (int attempt = 0; attempt < ATTEMPTS && found < count; attempt++) {
      int port = end > LOWEST ? ThreadLocalRandom.current().nextInt(LOWEST, end) : kernelChosen();
      if (chosen.add(port) && isFree(port)) {
        ports[found++] = port;
      }
    }
    if (found < count) {
      throw new IllegalStateException("no free port found on 127.0.0.1 after " + ATTEMPTS + " tries");
    }
    return ports;
  }

  /** Whether a server socket can bind the port on the loopback address now. */
  static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByName(KraftNode.HOST), port));
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** Whether something accepts TCP connections on the loopback port within the timeout. */
  static boolean accepts(int port, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(KraftNode.HOST, port), timeoutMillis);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static int kernelChosen() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(KraftNode.HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a server socket on 127.0.0.1: " + e, e);
    }
  }

  private static int ephemeralRangeStart() {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    try {
      if (Files.isReadable(range)) {
        // readString trusts the size procfs reports (0) and may return a fragment; lines do not
        String[] bounds = Files.readAllLines(range).get(0).trim().split("\\s+");
        return Integer.parseInt(bounds[0]);
      }
    } catch (IOException | RuntimeException unreadable) {
      return DEFAULT_EPHEMERAL_START;
    }
    return DEFAULT_EPHEMERAL_START;
  }
}
