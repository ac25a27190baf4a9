package io.orchestrix.projection.mongo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy in front of a server that a test can freeze: while frozen, what either side sends is
 * held back, as by a server that hangs or a network that drops packets without closing connections.
 * Thawing delivers what was held. Thread-safe.
 */
final class FreezableProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "freezable-proxy");
    thread.setDaemon(true);
    return thread;
  });
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition thawed = lock.newCondition();
  private boolean frozen;

  FreezableProxy(int targetPort) {
    this.targetPort = targetPort;
    try {
      listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.execute(this::accept);
  }

  /** The port clients connect to. */
  int port() {
    return listener.getLocalPort();
  }

  /** Holds back everything sent from now on, in both directions. */
  void freeze() {
    lock.lock();
    try {
      frozen = true;
    } finally {
      lock.unlock();
    }
  }

  /** Delivers what was held back and everything after it. */
  void thaw() {
    lock.lock();
    try {
      frozen = false;
      thawed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        threads.execute(() -> pump(client, server));
        threads.execute(() -> pump(server, client));
      } catch (IOException closedOrRefused) {
        // The proxy was closed, or the server refused: the client sees its connection fail.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        awaitThaw();
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException | InterruptedException connectionEnded) {
      // Either side closed: close the other too, as a real connection would end.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void awaitThaw() throws InterruptedException {
    lock.lock();
    try {
      while (frozen) {
        thawed.await();
      }
    } finally {
      lock.unlock();
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException alreadyClosed) {
      // Nothing left to release.
    }
  }

  @Override
  public void close() {
    thaw();
    try {
      listener.close();
    } catch (IOException alreadyClosed) {
      // Nothing left to release.
    }
    sockets.forEach(FreezableProxy::closeQuietly);
    threads.shutdownNow();
  }
}
