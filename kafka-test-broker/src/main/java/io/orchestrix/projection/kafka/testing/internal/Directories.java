package io.orchestrix.projection.kafka.testing.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The temporary directories of embedded brokers. Stateless and thread-safe. */
public final class Directories {

  private Directories() {}

  /** A new directory under the system's temporary directory. */
  public static Path createTemporary() {
    try {
      return Files.createTempDirectory("kafka-test-broker-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for a test broker", e);
    }
  }

  /** Deletes the directory and everything in it; a missing directory is no error. */
  public static void deleteRecursively(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path path : paths) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + directory, e);
    }
  }

  /** The last {@code lines} lines of a text file, or a note that it cannot be read. */
  public static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(" + file + " cannot be read: " + e + ")";
    }
  }
}
