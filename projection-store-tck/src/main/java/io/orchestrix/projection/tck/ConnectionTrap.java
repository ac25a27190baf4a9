package io.orchestrix.projection.tck;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket on 127.0.0.1 that accepts connections, closes each at once (so a client fails fast instead
 * of waiting for a greeting) and remembers them, so that a test can ask how many clients connected to
 * it. {@link #connectionsSoFar()} is exact for connections a client completed before the call: it
 * connects once itself and waits until that marker is accepted, and connections are accepted in the
 * order they were made. Thread-safe; close it after use.
 */
final class ConnectionTrap implements AutoCloseable {

  private final ServerSocket server;
  private final Thread acceptor;
  private final List<Integer> acceptedClientPorts = new ArrayList<>();

  ConnectionTrap() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("the kit could not listen on a local port", e);
    }
    acceptor = new Thread(this::acceptUntilClosed, "kit-connection-trap-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** {@code 127.0.0.1:port}. */
  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** The port. */
  int port() {
    return server.getLocalPort();
  }

  /** How many connections clients other than this trap completed so far. */
  int connectionsSoFar() {
    int marker;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 5_000);
      marker = socket.getLocalPort();
      await("the kit's own marker connection to be accepted").atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5)).until(() -> accepted().contains(marker));
    } catch (IOException e) {
      throw new UncheckedIOException("the kit could not connect to its own trap " + address(), e);
    }
    List<Integer> accepted = accepted();
    int others = accepted.indexOf(marker);
    synchronized (acceptedClientPorts) {
      acceptedClientPorts.remove(Integer.valueOf(marker));
    }
    return others;
  }

  private List<Integer> accepted() {
    synchronized (acceptedClientPorts) {
      return new ArrayList<>(acceptedClientPorts);
    }
  }

  private void acceptUntilClosed() {
    while (!server.isClosed()) {
      try (Socket client = server.accept()) {
        synchronized (acceptedClientPorts) {
          acceptedClientPorts.add(client.getPort());
        }
      } catch (IOException closedOrReset) {
        // the trap was closed (the loop ends) or a client gave up while being accepted
      }
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
