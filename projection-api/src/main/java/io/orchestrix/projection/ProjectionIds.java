package io.orchestrix.projection;

/**
 * Validation of projection ids and read-model names, shared by every module so that each store can
 * rely on the same rules when it turns them into table, collection or key names.
 *
 * <p>A projection id is 1 to 100 characters of letters, digits, {@code -}, {@code _} and {@code .}.
 * A read-model or index name is 1 to 40 characters: a lower-case letter, then lower-case letters,
 * digits and {@code _}. Thread-safe; stateless.
 *
 * <p>A store keeps each partition of a partitioned projection under a key of its own,
 * {@link #partitionKey}: the projection id, {@code #p} and the partition number, at most
 * {@link #MAX_PROJECTION_ID_LENGTH} characters in all. No projection id holds {@code #}, so a key never
 * names another projection.
 */
public final class ProjectionIds {

  /** Longest projection id accepted. */
  public static final int MAX_PROJECTION_ID_LENGTH = 100;
  /** Longest read-model or index name accepted. */
  public static final int MAX_NAME_LENGTH = 40;

  private ProjectionIds() {}

  /**
   * Returns the id if it is a valid projection id.
   *
   * @param projectionId the id to check; not null
   * @return the id, unchanged
   * @throws IllegalArgumentException naming the id and the rule it breaks
   */
  public static String requireValid(String projectionId) {
    if (projectionId.isEmpty() || projectionId.length() > MAX_PROJECTION_ID_LENGTH) {
      throw new IllegalArgumentException(
          "projection id must be 1 to " + MAX_PROJECTION_ID_LENGTH + " characters but was '"
              + projectionId + "'");
    }
    for (int i = 0; i < projectionId.length(); i++) {
      char c = projectionId.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw new IllegalArgumentException(
            "projection id may hold only letters, digits, '-', '_' and '.' but was '" + projectionId
                + "'");
      }
    }
    return projectionId;
  }

  /**
   * The key a store keeps partition {@code partition} of a projection under (its checkpoint, writer
   * token and dead letters): {@code base#p<partition>}, where the base is a projection id or a
   * {@link #generationKey} of one.
   *
   * @param projectionId the base: a projection id or a generation's key; not null
   * @param partition the partition's number, 0 or more
   * @return the partition's key
   * @throws IllegalArgumentException if the base is invalid, the partition negative, or the key longer
   *     than {@link #MAX_PROJECTION_ID_LENGTH}
   */
  public static String partitionKey(String projectionId, int partition) {
    String base = requireValidKey(projectionId);
    if (base.contains("#p")) {
      throw new IllegalArgumentException("'" + projectionId + "' is a partition's key already");
    }
    if (partition < 0) {
      throw new IllegalArgumentException("partition must not be negative but was " + partition);
    }
    String key = base + "#p" + partition;
    if (key.length() > MAX_PROJECTION_ID_LENGTH) {
      throw new IllegalArgumentException("projection id '" + projectionId + "' is too long to be "
          + "partitioned: the key of partition " + partition + " would be " + key.length()
          + " characters, more than " + MAX_PROJECTION_ID_LENGTH);
    }
    return key;
  }

  /**
   * The key a store keeps generation {@code generation} of a projection under, when the projection is
   * rebuilt without downtime: the projection id itself for generation 1 (so a projection never rebuilt
   * keeps its keys), {@code projectionId#g<generation>} from generation 2 on, and
   * {@code projectionId#g0} for the projection's generation registry. A partition of a generation is
   * {@code partitionKey(generationKey(id, g), p)}.
   *
   * @param projectionId the projection's id; not null
   * @param generation the generation's number, 0 for the registry, 1 or more for a generation
   * @return the generation's key
   * @throws IllegalArgumentException if the id is invalid, the generation negative, or the key (with
   *     room for a partition number of 4 digits) longer than {@link #MAX_PROJECTION_ID_LENGTH}
   */
  public static String generationKey(String projectionId, int generation) {
    requireValid(projectionId);
    if (generation < 0) {
      throw new IllegalArgumentException("generation must not be negative but was " + generation);
    }
    if (generation == 1) {
      return projectionId;
    }
    String key = projectionId + "#g" + generation;
    if (key.length() + "#p1023".length() > MAX_PROJECTION_ID_LENGTH) {
      throw new IllegalArgumentException("projection id '" + projectionId + "' is too long to be "
          + "rebuilt in generations: the key of generation " + generation + " and a partition would"
          + " be more than " + MAX_PROJECTION_ID_LENGTH + " characters");
    }
    return key;
  }

  /**
   * Returns the key if it is a projection id, optionally followed by {@code #g} and a generation
   * number ({@link #generationKey}), optionally followed by {@code #p} and a partition number
   * ({@link #partitionKey}): what a store accepts wherever the SPI says projection id.
   *
   * @param key the key to check; not null
   * @return the key, unchanged
   * @throws IllegalArgumentException naming the key and the rule it breaks
   */
  public static String requireValidKey(String key) {
    int hash = key.indexOf('#');
    if (hash < 0) {
      return requireValid(key);
    }
    String rest = key.substring(hash);
    int partitionMark = rest.indexOf("#p");
    String generation = partitionMark < 0 ? rest : rest.substring(0, partitionMark);
    String partition = partitionMark < 0 ? "" : rest.substring(partitionMark);
    boolean ok = key.length() <= MAX_PROJECTION_ID_LENGTH
        && (generation.isEmpty() || (generation.startsWith("#g") && isNumber(generation.substring(2))))
        && (partition.isEmpty() || isNumber(partition.substring(2)));
    if (!ok) {
      throw new IllegalArgumentException("a projection key is a projection id, optionally '#g' and a "
          + "generation number, optionally '#p' and a partition number, at most "
          + MAX_PROJECTION_ID_LENGTH + " characters, but was '" + key + "'");
    }
    requireValid(key.substring(0, hash));
    return key;
  }

  private static boolean isNumber(String number) {
    boolean digits = !number.isEmpty() && number.length() <= 9
        && (number.equals("0") || number.charAt(0) != '0');
    for (int i = 0; digits && i < number.length(); i++) {
      digits = number.charAt(i) >= '0' && number.charAt(i) <= '9';
    }
    return digits;
  }

  /**
   * {@return the projection id of a key made by {@link #partitionKey} or {@link #generationKey}, or
   * the key itself if it is an id}
   *
   * @param key a projection id or a key made from one; not null
   */
  public static String projectionOf(String key) {
    int mark = key.indexOf('#');
    return mark < 0 ? key : key.substring(0, mark);
  }

  /**
   * The key without its partition: the projection id, or the generation's key.
   *
   * @param key a projection id or a key made from one; not null
   * @return the key up to its {@code #p} mark, or the key itself if it names no partition
   */
  public static String unpartitionedKeyOf(String key) {
    int mark = key.indexOf("#p");
    return mark < 0 ? key : key.substring(0, mark);
  }

  /**
   * Returns the name if it is a valid read-model or index name.
   *
   * @param what what the name names, for the message ("read-model name", "index name")
   * @param name the name to check; not null
   * @return the name, unchanged
   * @throws IllegalArgumentException naming the name and the rule it breaks
   */
  public static String requireValidName(String name, String what) {
    boolean ok = !name.isEmpty() && name.length() <= MAX_NAME_LENGTH
        && name.charAt(0) >= 'a' && name.charAt(0) <= 'z';
    for (int i = 1; ok && i < name.length(); i++) {
      char c = name.charAt(i);
      ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }
    if (!ok) {
      throw new IllegalArgumentException(
          what + " must be 1 to " + MAX_NAME_LENGTH
              + " characters of a-z, 0-9 and '_', starting with a letter, but was '" + name + "'");
    }
    return name;
  }
}
