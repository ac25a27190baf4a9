package io.orchestrix.projection;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * One partition of a projection as a node of a runner sees it: who owns it, and how far it is.
 * Immutable. The owner and lease come from the store's leases as last read; a partition this node owns
 * reports its own worker's state and position, any other the position last read from the store.
 *
 * @param partition the partition's number
 * @param owner the node holding its lease, or null if nobody holds it
 * @param leaseExpiresAt when that lease expires, by the store's clock, or null if nobody holds it
 * @param ownedHere whether this node owns it
 * @param state what this node's worker does with it; {@link ProjectionStatus.RunState#STANDBY} if
 *     another node owns it
 * @param position its checkpoint, as last known
 * @param healthy whether it is healthy (not stopped at a failed event), as last known
 * @param lastError the last error this node saw for it, if any
 */
public record PartitionStatus(
    int partition,
    @Nullable String owner,
    @Nullable Instant leaseExpiresAt,
    boolean ownedHere,
    ProjectionStatus.RunState state,
    long position,
    boolean healthy,
    @Nullable String lastError) {}
