package io.orchestrix.projection.benchmarks;

import java.net.URI;
import redis.clients.jedis.Jedis;

/**
 * Waits until a Redis server has freed what {@code UNLINK} handed to its background thread. A
 * contender's reset may unlink large keys (the engine's store unlinks a read model's hash and sets,
 * which Redis frees in the background) or many small ones (the Jedis loop's, freed at once); waiting
 * keeps that work out of the next timed run, whichever contender it belongs to.
 */
final class RedisLazyFree {

  private RedisLazyFree() {}

  /**
   * Polls {@code INFO memory} until {@code lazyfree_pending_objects} is 0, for at most 30 s.
   *
   * @throws IllegalStateException if the server still has objects to free after 30 s
   */
  static void await(String uri) {
    try (Jedis jedis = new Jedis(URI.create(uri))) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (pending(jedis.info("memory")) > 0) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Redis still frees unlinked keys after 30 s");
        }
        Thread.sleep(20);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Redis to free keys", e);
    }
  }

  private static long pending(String info) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("lazyfree_pending_objects:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return 0;
  }
}
