package io.orchestrix.projection.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * The kit declares Testcontainers optional: a store's tests that do not add it must still find
 * servers through {@link TestServers}. Checked by loading the kit in a class loader that holds the
 * kit and JUnit but no Testcontainers, and by reading which kit classes refer to Testcontainers.
 */
@DisplayName("Testcontainers is optional")
class TestcontainersOptionalTest {

  private static final String PACKAGE = TestServers.class.getPackageName();

  @Test
  @DisplayName("without Testcontainers on the class path, TestServers resolves servers from the environment and falls back where Docker answers")
  void testServersWorkWithoutTestcontainers() throws Exception {
    try (KitWithoutTestcontainers kit = new KitWithoutTestcontainers()) {
      assertThat(kit.getResource("org/testcontainers/DockerClientFactory.class"))
          .as("Testcontainers in the isolated class loader").isNull();
      Map<String, String> dockerAnswers = Map.of("DOCKER_HOST", "tcp://127.0.0.1:1");

      assertThat(kit.find("REDIS", Map.of("PROJECTION_TEST_REDIS_URL", "redis://from-env:6379/2")))
          .contains("redis://from-env:6379/2");
      assertThat(kit.find("MONGO", dockerAnswers))
          .as("MongoDB where Docker answers but Testcontainers is absent: its stand-in comes next").isEmpty();
      Throwable aborted = kit.require("MONGO", dockerAnswers);

      assertThat(aborted).isInstanceOf(kit.loadClass(TestAbortedException.class.getName()))
          .hasMessageContaining("PROJECTION_TEST_MONGO_URI")
          .hasMessageContaining("Testcontainers is not on the test class path");
      assertThat(kit.loaded(PACKAGE + ".TestServers")).as("TestServers loaded in isolation").isTrue();
      assertThat(kit.loaded(PACKAGE + ".ContainerServers")).as("ContainerServers loaded").isFalse();
    }
  }

  @Test
  @DisplayName("no kit class but ContainerServers refers to Testcontainers")
  void onlyContainerServersRefersToTestcontainers() throws IOException, URISyntaxException {
    Path classes = Path.of(TestServers.class.getResource("TestServers.class").toURI()).getParent();
    List<String> referring;
    try (Stream<Path> files = Files.list(classes)) {
      referring = files.filter(file -> file.toString().endsWith(".class"))
          .filter(TestcontainersOptionalTest::refersToTestcontainers)
          .map(file -> file.getFileName().toString())
          .sorted().collect(Collectors.toList());
    }

    assertThat(referring).as("kit classes whose constant pool names a Testcontainers type")
        .isNotEmpty().allMatch(name -> name.equals("ContainerServers.class") || name.startsWith("ContainerServers$"));
  }

  /**
   * Whether a class file names a Testcontainers type: a class, a descriptor or a signature in its
   * constant pool, as opposed to a string literal (a resource name looked up without loading it).
   */
  private static boolean refersToTestcontainers(Path classFile) {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(classFile))) {
      in.skipBytes(8);
      int count = in.readUnsignedShort();
      Map<Integer, String> texts = new HashMap<>();
      Set<Integer> literals = new HashSet<>();
      for (int index = 1; index < count; index++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> texts.put(index, in.readUTF());
          case 8 -> literals.add(in.readUnsignedShort());
          case 7, 16, 19, 20 -> in.skipBytes(2);
          case 15 -> in.skipBytes(3);
          case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
          case 5, 6 -> {
            in.skipBytes(8);
            index++;
          }
          default -> throw new AssertionError("unknown constant pool tag " + tag + " in " + classFile);
        }
      }
      return texts.entrySet().stream().anyMatch(text -> text.getValue().contains("org/testcontainers/")
          && !literals.contains(text.getKey()));
    } catch (IOException e) {
      throw new AssertionError("cannot read " + classFile, e);
    }
  }

  /** The kit's classes and JUnit's, loaded apart from the test's class path, without Testcontainers. */
  private static final class KitWithoutTestcontainers extends URLClassLoader {

    KitWithoutTestcontainers() {
      super(new URL[] {location(TestServers.class), location(org.junit.jupiter.api.Assumptions.class),
          location(TestAbortedException.class), location(org.junit.platform.commons.util.Preconditions.class)},
          ClassLoader.getPlatformClassLoader());
    }

    private static URL location(Class<?> type) {
      return type.getProtectionDomain().getCodeSource().getLocation();
    }

    boolean loaded(String className) {
      return findLoadedClass(className) != null;
    }

    @SuppressWarnings("unchecked")
    Optional<String> find(String server, Map<String, String> environment) throws Exception {
      return (Optional<String>) call("find", server, environment);
    }

    Throwable require(String server, Map<String, String> environment) {
      return catchThrowable(() -> call("require", server, environment));
    }

    /** Calls TestServers.name(server, environment, Lookups.REAL) of the isolated kit. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object call(String name, String server, Map<String, String> environment) throws Exception {
      Class<?> testServers = loadClass(PACKAGE + ".TestServers");
      Class<? extends Enum> serverType = (Class<? extends Enum>) loadClass(PACKAGE + ".TestServers$Server");
      Class<?> lookups = loadClass(PACKAGE + ".TestServers$Lookups");
      Method method = testServers.getDeclaredMethod(name, serverType, Map.class, lookups);
      method.setAccessible(true);
      Field real = lookups.getField("REAL");
      real.setAccessible(true);
      try {
        return method.invoke(null, Enum.valueOf(serverType, server), environment, real.get(null));
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        throw e;
      }
    }
  }
}
