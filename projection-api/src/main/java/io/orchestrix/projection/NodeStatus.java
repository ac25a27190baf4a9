package io.orchestrix.projection;

import java.time.Instant;

/**
 * A node running a projection, as its heartbeat in the store shows it. Immutable.
 *
 * @param node the node's name
 * @param heartbeatExpiresAt when its heartbeat lease expires, by the store's clock
 * @param alive whether that lease had not expired when last read
 */
public record NodeStatus(String node, Instant heartbeatExpiresAt, boolean alive) {}
