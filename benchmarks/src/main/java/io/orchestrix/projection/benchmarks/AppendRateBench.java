package io.orchestrix.projection.benchmarks;

import io.orchestrix.projection.core.json.EventTypes;
import io.orchestrix.projection.eventstore.jdbc.JdbcEventStore;
import io.orchestrix.projection.jdbc.JdbcStoreOptions;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Single-event appends to the JDBC event store from several threads, each on a stream of its own,
 * two ways side by side in alternating rounds: as the store appends now, and with the head-row lock
 * the store took before concurrent appends (an {@code UPDATE} of {@code <prefix>event_head} held to
 * commit, run in the append's transaction through its {@code BeforeCommit} hook). Prints each round
 * and the medians; the ratio is what concurrent appends gained on this machine in this run.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar
 * io.orchestrix.projection.benchmarks.AppendRateBench --jdbc-url
 * 'jdbc:postgresql://127.0.0.1:5432/test?user=postgres' --threads 8 --seconds 5 --rounds 3}.
 */
@Command(name = "append-rate-bench", mixinStandardHelpOptions = true,
    description = "Single-event appends from N threads: concurrent vs the former head-row lock.")
public final class AppendRateBench implements Callable<Integer> {

  /** The payload of every append. */
  public record Deposited(String account, long amount) {}

  @Option(names = "--jdbc-url", required = true, paramLabel = "URL",
      description = "The event store's database (PostgreSQL appends concurrently; MariaDB and H2"
          + " keep the head lock, so both sides should match there).")
  String jdbcUrl;

  @Option(names = "--threads", defaultValue = "8", paramLabel = "T",
      description = "Appending threads, one stream each. Default: ${DEFAULT-VALUE}")
  int threads;

  @Option(names = "--seconds", defaultValue = "5", paramLabel = "S",
      description = "How long each side appends per round. Default: ${DEFAULT-VALUE}")
  int seconds;

  @Option(names = "--rounds", defaultValue = "3", paramLabel = "R",
      description = "Rounds, each running both sides; medians are reported. Default: ${DEFAULT-VALUE}")
  int rounds;

  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /** Runs the command. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new AppendRateBench()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (threads < 1 || seconds < 1 || rounds < 1) {
      throw new CommandLine.ParameterException(new CommandLine(this),
          "--threads, --seconds and --rounds must be positive");
    }
    String prefix = "ba" + UUID.randomUUID().toString().substring(0, 8) + "_";
    EventTypes types = EventTypes.builder().register("Deposited", Deposited.class).build();
    try (JdbcEventStore store = JdbcEventStore.open(jdbcUrl, types,
        JdbcStoreOptions.builder().tablePrefix(prefix).poolSize(threads).build())) {
      out.println("event store  " + store.description());
      String lockHead = "UPDATE " + prefix + "event_head SET position = position + 1 WHERE id = 1";
      JdbcEventStore.BeforeCommit headLock = (handle, appended) -> handle.execute(lockHead);
      appendRate(store, null, 1);
      List<Double> locked = new ArrayList<>();
      List<Double> concurrent = new ArrayList<>();
      for (int round = 1; round <= rounds; round++) {
        boolean lockFirst = round % 2 == 1;
        double first = appendRate(store, lockFirst ? headLock : null, seconds);
        double second = appendRate(store, lockFirst ? null : headLock, seconds);
        double withLock = lockFirst ? first : second;
        double without = lockFirst ? second : first;
        locked.add(withLock);
        concurrent.add(without);
        out.printf(Locale.ROOT, "round %d      head lock %,8.0f appends/s   concurrent %,8.0f"
            + " appends/s   %.2fx%n", round, withLock, without, without / withLock);
      }
      double medianLocked = EndToEnd.median(locked);
      double medianConcurrent = EndToEnd.median(concurrent);
      out.printf(Locale.ROOT, "%n| threads | head lock, median of %d | concurrent, median of %d |"
              + " concurrent / head lock |%n|---|---|---|---|%n| %d | %,.0f | %,.0f | %.2fx |%n",
          rounds, rounds, threads, medianLocked, medianConcurrent, medianConcurrent / medianLocked);
      out.println("(tables " + prefix + "* are left for inspection; drop them when done)");
    }
    return 0;
  }

  private double appendRate(JdbcEventStore store, JdbcEventStore.@Nullable BeforeCommit beforeCommit,
      int forSeconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicLong appended = new AtomicLong();
    long started = System.nanoTime();
    long until = started + Duration.ofSeconds(forSeconds).toNanos();
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String stream = "account-" + t + "-" + UUID.randomUUID().toString().substring(0, 8);
        writers.add(pool.submit(() -> {
          while (System.nanoTime() < until) {
            store.append(stream, JdbcEventStore.ANY_VERSION, List.of(new Deposited(stream, 1)),
                Map.of(), beforeCommit);
            appended.incrementAndGet();
          }
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get(forSeconds + 120L, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    return appended.get() / ((System.nanoTime() - started) / 1e9);
  }
}
