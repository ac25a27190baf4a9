package io.orchestrix.projection;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How far the build of a new generation has come, as the node that runs it last saw it. Immutable.
 *
 * @param generation the generation being built
 * @param version its projection version
 * @param position its lowest checkpoint over every partition
 * @param headPosition the source's head when last read
 * @param eventsPerSecond recent throughput of the build on this node
 * @param eta time left at that rate, if there is a rate
 */
public record RebuildProgress(int generation, String version, long position, long headPosition,
    double eventsPerSecond, @Nullable Duration eta) {

  /** {@return the position over the head, in percent, 0 to 100; 100 when the head is 0} */
  public double percent() {
    return headPosition <= 0 ? 100.0 : Math.min(100.0, position * 100.0 / headPosition);
  }

  /** {@return how many positions are left to the head, 0 or more} */
  public long remaining() {
    return Math.max(0, headPosition - position);
  }

  /** {@return the time left at the current rate, or empty if no rate is known} */
  public Optional<Duration> timeLeft() {
    return Optional.ofNullable(eta);
  }
}
