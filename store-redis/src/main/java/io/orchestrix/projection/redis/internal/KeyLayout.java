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
 * {prefix}rm:{readModel}:docs                 hash  id -> "{position}:{index section}{json}"
 * {prefix}rm:{readModel}:ids                  zset  every id, score 0, for lexicographic paging
 * {prefix}rm:{readModel}:indexes              set   the read model's index names
 * {prefix}rm:{readModel}:iv                   hash  id -> the document's index section
 * {prefix}rm:{readModel}:ix:{index}           zset  "{bytes}:{value}{id}" per document, score 0
 * </pre>
 *
 * <p>(see {@link DocumentEncoding} for the index section and the members of the index sets). One
 * sorted set per index, rather than one set per value, keeps the number of keys a commit touches
 * independent of the number of values, so the script checks their types once per commit, and a reset
 * unlinks a fixed handful of keys.
 *
 * <p>Immutable and thread-safe. The Lua scripts build the same names; keep both in step.
 */
public final class KeyLayout {

  /** The version of this layout, recorded under the prefix; code refuses data of a newer one. */
  public static final int VERSION = 1;

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

  public String indexSections(String readModel) {
    return readModelBase(readModel) + "iv";
  }

  public String index(String readModel, String index) {
    return readModelBase(readModel) + "ix:" + index;
  }

  public static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
