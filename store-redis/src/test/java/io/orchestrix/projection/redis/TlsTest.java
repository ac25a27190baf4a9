package io.orchestrix.projection.redis;

import static io.orchestrix.projection.redis.RedisProjectionStoreTest.at;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.order;
import static io.orchestrix.projection.redis.RedisProjectionStoreTest.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.FailureKind;
import io.orchestrix.projection.StoreException;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.tck.StoreFixtures;
import io.orchestrix.projection.spi.StoredDocument;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientPauseMode;
import redis.clients.jedis.params.ClientKillParams;

/**
 * {@code rediss://} against a real TLS server: a redis-server this test starts on a free port with a
 * self-signed certificate for {@code localhost} made with openssl. Without the two programs the test is
 * skipped, except under {@code CI=true}, where it fails.
 */
class TlsTest {

  @TempDir
  static Path directory;

  private static PrivateRedisServer server;
  private static int port;
  /** The same server without TLS, for the test's own commands. */
  private static int plainPort;
  private static Path trustStore;

  @BeforeAll
  static void startTlsServer() throws Exception {
    PrivateRedisServer.requireProgram("openssl");
    Path key = directory.resolve("server.key");
    Path certificate = directory.resolve("server.crt");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        "-keyout", key.toString(), "-out", certificate.toString());
    trustStore = directory.resolve("trust.p12");
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(certificate)) {
      store.setCertificateEntry("redis", CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      store.store(out, "changeit".toCharArray());
    }
    plainPort = PrivateRedisServer.freePort();
    server = PrivateRedisServer.start(directory, "--tls-port", "--port", Integer.toString(plainPort),
        "--tls-cert-file", certificate.toString(), "--tls-key-file", key.toString(),
        "--tls-ca-cert-file", certificate.toString(), "--tls-auth-clients", "no");
    port = server.port;
  }

  @AfterAll
  static void stopTlsServer() throws InterruptedException {
    if (server != null) {
      server.close();
    }
  }

  private static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(directory.resolve("openssl.log").toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command[0]).isTrue();
    assertThat(process.exitValue()).as("exit code of %s; see %s", List.of(command), directory)
        .isZero();
  }

  private static Map<String, String> properties(String... extra) {
    Map<String, String> properties = new HashMap<>(Map.of(
        RedisStoreProperties.TLS_TRUSTSTORE, trustStore.toString(),
        RedisStoreProperties.TLS_TRUSTSTORE_PASSWORD, "changeit",
        RedisStoreProperties.CONNECT_TIMEOUT_MS, "2000",
        RedisStoreProperties.SOCKET_TIMEOUT_MS, "2000"));
    for (int i = 0; i < extra.length; i += 2) {
      properties.put(extra[i], extra[i + 1]);
    }
    return properties;
  }

  @Test
  void aStoreOverTlsCommitsAndReads() {
    try (RedisProjectionStore store =
        RedisProjectionStore.open("rediss://localhost:" + port + "/0", properties())) {
      store.prepareReadModel(RedisProjectionStoreTest.ORDERS);
      long token = store.claimWriter("p1");
      store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c1", 1)))));

      assertThat(store.findByIndex("orders", "status", "NEW")).extracting(StoredDocument::id)
          .containsExactly("o1");
      assertThat(store.description()).startsWith("rediss://localhost:" + port);
    }
  }

  @Test
  void aCertificateForAnotherHostIsRefusedUnlessHostNameVerificationIsOff() {
    String byAddress = "rediss://127.0.0.1:" + port;
    Throwable refused = catchThrowable(() -> RedisProjectionStore.open(byAddress, properties()));

    assertThat(refused).isInstanceOf(StoreException.class)
        .hasMessageContaining("TLS").hasMessageContaining("127.0.0.1:" + port);
    assertThat(((StoreException) refused).isTransient()).isFalse();
    try (RedisProjectionStore store = RedisProjectionStore.open(byAddress,
        properties(RedisStoreProperties.TLS_VERIFY_HOSTNAME, "false"))) {
      store.prepareReadModel(RedisProjectionStoreTest.ORDERS);
      assertThat(store.count("orders")).isNotNegative();
    }
  }

  @Test
  void aWrongTrustStorePasswordIsAPermanentFailure() {
    Throwable refused = catchThrowable(() -> RedisProjectionStore.open(
        "rediss://localhost:" + port,
        properties(RedisStoreProperties.TLS_TRUSTSTORE_PASSWORD, "wrong-secret")));

    assertThat(refused).isInstanceOf(StoreException.class).hasMessageContaining("TLS")
        .hasMessageNotContaining("wrong-secret");
    assertThat(((StoreException) refused).isTransient()).isFalse();
  }

  @Test
  void anUntrustedCertificateIsRefusedPermanently() {
    Throwable refused = catchThrowable(() -> RedisProjectionStore.open(
        "rediss://localhost:" + port, Map.of(RedisStoreProperties.CONNECT_TIMEOUT_MS, "2000")));

    assertThat(refused).isInstanceOf(StoreException.class).hasMessageContaining("TLS");
    assertThat(((StoreException) refused).isTransient()).isFalse();
  }

  @Test
  void aTlsConnectionKilledInTheMiddleOfACallIsATransientOutage() {
    String name = "tls-kill-" + UUID.randomUUID();
    try (RedisProjectionStore store = RedisProjectionStore.open("rediss://localhost:" + port,
        properties(RedisStoreProperties.CLIENT_NAME, name, RedisStoreProperties.KEY_PREFIX, name + ":"));
        Jedis admin = new Jedis("127.0.0.1", plainPort)) {
      store.prepareReadModel(RedisProjectionStoreTest.ORDERS);
      long token = store.claimWriter("p1");
      admin.clientPause(Duration.ofMinutes(2).toMillis(), ClientPauseMode.WRITE);
      try {
        CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> store.commit(
            StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c1", 1))))));
        Set<String> killed = new HashSet<>();
        while (killed.size() < 2) {
          String held = Awaitility.await("a held call over TLS").atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(5))
              .until(() -> heldCall(admin, name, killed), id -> !id.isEmpty());
          admin.clientKill(ClientKillParams.clientKillParams().id(held));
          killed.add(held);
        }

        assertThat(commit).failsWithin(Duration.ofSeconds(20)).withThrowableThat()
            .havingCause().isInstanceOfSatisfying(StoreException.class,
                e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(FailureKind.TRANSIENT));
      } finally {
        admin.clientUnpause();
      }
      store.commit(StoreFixtures.batch(token, 0, at("p1", 1), List.of(put(order("o1", "NEW", "c1", 1)))));
      assertThat(store.count("orders")).isEqualTo(1);
    }
  }

  private static String heldCall(Jedis admin, String name, Set<String> known) {
    for (String client : admin.clientList().split("\n")) {
      String id = client.replaceAll("^id=(\\d+) .*$", "$1").trim();
      if (client.contains(" name=" + name + " ") && client.matches(".* flags=\\S*b\\S* .*")
          && !known.contains(id)) {
        return id;
      }
    }
    return "";
  }
}
