package io.orchestrix.projection.redis.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The names of every key the store uses, all under one prefix. Read-model, index and projection names
 * never contain {@code ':'} (see {@link io.orchestrix.projection.ProjectionIds}), so no two roles can
 * produce the same key; document ids and index values come last and need no escaping.
 *
 * <pre>
 * {prefix}meta                                hash  layout: the version of this layout
 * {prefix}state:{projection}                  hash  checkpoint, health, fencing token (tok)
 * {prefix}dl:{projection}                     zset  dead-letter positions
 * {prefix}dl:{projection}:{position}          hash  one dead letter
 * {prefix}rm:{readModel}:docs                 hash  id -> "[p{k}:]{position}:{index section}{json}"
 * {prefix}rm:{readModel}:ids                  zset  every id, score 0, for lexicographic paging
 * {prefix}rm:{readModel}:indexes              set   the read model's index names
 * {prefix}rm:{readModel}:vals:{index}         set   the index's values that have a set of ids
 * {prefix}rm:{readModel}:ix:{index}:{value}   set   the ids of the documents with this value
 * {prefix}rm:{readModel}:part:{k}             set   the ids of the documents partition k wrote last
 * {prefix}rm:{readModel}:parts                set   the partitions that have a set of ids
 * {prefix}none                                 -    never written: the commit script's type check
 *                                                   names it as a key that does not exist
 * {prefix}lease:{group}/{resource}            hash  one lease: owner, epoch, exp (Unix ms)
 * {prefix}leases:{group}                      set   the group's resources, for listing
 * {prefix}lease-epoch                         string the store-wide counter of lease epochs
 * </pre>
 *
 * <p>(see {@link DocumentEncoding} for the index section). A set per value makes a query by value one
 * {@code SMEMBERS} and an index change one {@code SREM} and one {@code SADD} in constant time; the
 * registry of values ({@code vals}) lets a reset find every set of an index without scanning the
 * keyspace. Redis deletes a set with its last member, and the commit script then drops its value from
 * the registry.
 *
 * <p>Lease groups and resources hold no {@code '/'} ({@link io.orchestrix.projection.spi.LeaseNames}),
 * so the key of a lease names one group and one resource.
 *
 * <p>Immutable and thread-safe. The Lua scripts build the same names; keep both in step.
 */
public final class KeyLayout {

  /**
   * The version of this layout, recorded under the prefix; code refuses data of a newer one. Layout 3
   * added the partition of a document (a value starting {@code p{k}:}, and the sets
   * {@code part:{k}} and {@code parts}); a value without it was written unpartitioned, so layout 2
   * data is layout 3 data without partitions.
   */
  public static final int VERSION = 3;

  /** The oldest layout this code reads as it is, and upgrades in place at open by recording its own. */
  public static final int OLDEST_UPGRADED = 2;

  private final String prefix;

  public KeyLayout(String prefix) {
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  public String meta() {
    return prefix + "meta";
  }

  public String state(String projectionId) {
    return prefix + "state:" + projectionId;
  }

  public String deadLetters(String projectionId) {
    return prefix + "dl:" + projectionId;
  }

  public String readModelBase(String readModel) {
    return prefix + "rm:" + readModel + ":";
  }

  public String documents(String readModel) {
    return readModelBase(readModel) + "docs";
  }

  public String ids(String readModel) {
    return readModelBase(readModel) + "ids";
  }

  public String indexNames(String readModel) {
    return readModelBase(readModel) + "indexes";
  }

  public String indexValues(String readModel, String index) {
    return readModelBase(readModel) + "vals:" + index;
  }

  public String index(String readModel, String index, String value) {
    return readModelBase(readModel) + "ix:" + index + ":" + value;
  }

  /** The set of the ids of the read model's documents that partition {@code partition} wrote last. */
  public String partition(String readModel, int partition) {
    return readModelBase(readModel) + "part:" + partition;
  }

  /** The registry of the partitions that have a set of ids in the read model. */
  public String partitions(String readModel) {
    return readModelBase(readModel) + "parts";
  }

  public String lease(String group, String resource) {
    return leasePrefix(group) + resource;
  }

  /** What the key of every lease of the group starts with. */
  public String leasePrefix(String group) {
    return prefix + "lease:" + group + "/";
  }

  public String leaseResources(String group) {
    return prefix + "leases:" + group;
  }

  public String leaseEpochs() {
    return prefix + "lease-epoch";
  }

  public static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
