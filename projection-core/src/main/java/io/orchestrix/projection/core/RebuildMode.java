package io.orchestrix.projection.core;

/** How {@link ProjectionRunner#rebuild(String, RebuildMode)} rebuilds a projection. */
public enum RebuildMode {
  /**
   * Clears the read models and processes every event again; queries see an empty, then partial, read
   * model until it has caught up.
   */
  IN_PLACE,
  /**
   * Builds this node's version as a new generation beside the live one, which keeps serving queries
   * and following events; readers switch to the new generation in one commit once it has caught up.
   */
  BLUE_GREEN
}
