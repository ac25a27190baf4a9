package io.orchestrix.projection;

/**
 * Validation of projection ids and read-model names, shared by every module so that each store can
 * rely on the same rules when it turns them into table, collection or key names.
 *
 * <p>A projection id is 1 to 100 characters of letters, digits, {@code -}, {@code _} and {@code .}.
 * A read-model or index name is 1 to 40 characters: a lower-case letter, then lower-case letters,
 * digits and {@code _}. Thread-safe; stateless.
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
   * Returns the name if it is a valid read-model or index name.
   *
   * @param what what the name names, for the message ("read-model name", "index name")
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
