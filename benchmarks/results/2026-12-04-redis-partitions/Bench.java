import io.orchestrix.projection.ProjectionState;
import io.orchestrix.projection.redis.internal.CommitEncoding;
import io.orchestrix.projection.spi.Commit;
import io.orchestrix.projection.spi.ReadModelChanges;
import io.orchestrix.projection.spi.StoredDocument;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.time.Instant;
import java.util.*;
import redis.clients.jedis.*;
import redis.clients.jedis.resps.Slowlog;

/** Alternates the old and new commit.lua on the same workload, reading each call's server time from SLOWLOG. */
public class Bench {
  public static void main(String[] a) throws Exception {
    int batches = Integer.parseInt(a[0]);
    byte[] oldBody = Files.readAllBytes(Path.of("old-commit.lua"));
    byte[] newBody = Files.readAllBytes(Path.of("new-commit.lua"));
    try (Jedis j = new Jedis("127.0.0.1", 6391, 120000)) {
      j.flushAll();
      j.configSet("slowlog-log-slower-than", "0");
      j.configSet("slowlog-max-len", "1000000");
      String oldSha = j.scriptLoad(new String(oldBody, StandardCharsets.UTF_8));
      String newSha = j.scriptLoad(new String(newBody, StandardCharsets.UTF_8));
      for (String p : List.of("old:", "new:")) {
        j.sadd(p + "rm:orders:indexes", "status", "customer");
        j.hset(p + "state:bench", Map.of("tok", "1"));
      }
      Random random = new Random(42);
      int nextId = 0;
      long position = 0;
      Instant now = Instant.parse("2026-01-01T00:00:00Z");
      Map<String, List<Long>> times = Map.of("old", new ArrayList<>(), "new", new ArrayList<>());
      String[] statuses = {"NEW", "PAID", "SHIPPED"};
      for (int b = 0; b < batches; b++) {
        Map<String, StoredDocument> docs = new LinkedHashMap<>();
        for (int e = 0; e < 300; e++) {
          String id;
          String status;
          if (e < 200 || nextId < 1000) {
            id = "order-" + (nextId++);
            status = "NEW";
          } else {
            id = "order-" + random.nextInt(nextId);
            status = e % 3 == 0 ? "SHIPPED" : "NEW";
          }
          position++;
          docs.put(id, new StoredDocument(id, "{\"id\":\"" + id + "\",\"items\":" + e + ",\"total\":123.45}",
              Map.of("status", status, "customer", "c" + (Math.abs(id.hashCode()) % 1000)), position));
        }
        position += 700;
        long lastPosition = b == 0 ? 0 : position - 1000;
        ProjectionState state = ProjectionState.initial("bench", now).processed("e" + position, position, now);
        Commit commit = Commit.batch(1, lastPosition, state,
            List.of(new ReadModelChanges("orders", List.copyOf(docs.values()), List.of())));
        for (String side : (b % 2 == 0 ? List.of("old", "new") : List.of("new", "old"))) {
          List<byte[]> args = new ArrayList<>(CommitEncoding.arguments(side + ":", commit, 1 << 24));
          if (side.equals("old")) {
            args.remove(5);
          }
          j.slowlogReset();
          Object reply = j.evalsha((side.equals("old") ? oldSha : newSha).getBytes(StandardCharsets.UTF_8),
              List.of((side + ":state:bench").getBytes(StandardCharsets.UTF_8)), args);
          List<Slowlog> log = j.slowlogGet(10);
          for (Slowlog entry : log) {
            if (entry.getArgs().get(0).equalsIgnoreCase("evalsha")) {
              times.get(side).add(entry.getExecutionTime());
            }
          }
          String outcome = new String((byte[]) ((List<?>) reply).get(0), StandardCharsets.UTF_8);
          if (!outcome.equals("ok")) throw new IllegalStateException(side + " " + outcome);
        }
      }
      for (String side : List.of("old", "new")) {
        List<Long> t = new ArrayList<>(times.get(side));
        Collections.sort(t);
        long sum = t.stream().mapToLong(Long::longValue).sum();
        System.out.printf("%s: %d calls, mean %d us, median %d us, p10 %d us, p90 %d us%n", side, t.size(),
            sum / t.size(), t.get(t.size() / 2), t.get(t.size() / 10), t.get(t.size() * 9 / 10));
      }
      System.out.println("documents: " + j.hlen("old:rm:orders:docs") + " / " + j.hlen("new:rm:orders:docs")
          + ", equal ix sets: " + j.smembers("old:rm:orders:ix:status:NEW").equals(j.smembers("new:rm:orders:ix:status:NEW")));
    }
  }
}
