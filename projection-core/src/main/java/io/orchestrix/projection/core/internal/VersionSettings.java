package io.orchestrix.projection.core.internal;

import java.time.Duration;

/**
 * How a projection is rebuilt without downtime, as the engine builder validated it. Immutable.
 *
 * @param version the version this node's code declares
 * @param rebuildOnStart whether a node with a version the registry does not know starts building it
 * @param automaticCutOver whether the node building a generation cuts over once it has caught up
 * @param cutOverLag the lag (head minus the lowest checkpoint) under which a build has caught up
 * @param refresh how often a node re-reads the registry (queries, roles, cut-over)
 * @param retiredGrace how long a retired generation is kept before a node running the live one
 *     drops it
 * @param verifyBeforeCutOver whether a cut-over first compares the two generations at the same
 *     position and refuses if their documents differ
 * @param buildRateLimit the most events per second a generation being built processes on this node
 *     (its partitions together), or 0 for no limit
 */
public record VersionSettings(String version, boolean rebuildOnStart, boolean automaticCutOver,
    long cutOverLag, Duration refresh, Duration retiredGrace, boolean verifyBeforeCutOver,
    int buildRateLimit) {

  /** How many differing documents a refused cut-over lists. */
  public static final int REPORTED_DIFFERENCES = 10;

  /** The version of a projection that never declared one. */
  public static final String DEFAULT_VERSION = "1";
}
