package io.orchestrix.projection;

/**
 * This node's code declares a version of the projection that may not write: the live generation of
 * the projection in its store was built by other (newer) code, or this version was rolled back or
 * dropped. Writing would put events into a generation nobody reads, so nothing was written. Deploy
 * the live version (or roll back to this one) and resume. {@link FailureKind#FATAL}.
 */
public final class ProjectionVersionException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The version this node's code declares. */
  private final String codeVersion;
  /** The version of the live generation in the store. */
  private final String liveVersion;

  /**
   * @param codeVersion the version this node's code declares
   * @param liveVersion the version of the live generation in the store
   * @param why why this version may not write, in words an operator can act on
   * @param projectionId the projection; not null
   */
  public ProjectionVersionException(String projectionId, String codeVersion, String liveVersion,
      String why) {
    super("projection '" + projectionId + "': this node's code is version '" + codeVersion
        + "' but the live generation in the store is version '" + liveVersion + "'; " + why,
        projectionId, null, 0, null);
    this.codeVersion = codeVersion;
    this.liveVersion = liveVersion;
  }

  /** {@return the version this node's code declares} */
  public String codeVersion() {
    return codeVersion;
  }

  /** {@return the version of the live generation in the store} */
  public String liveVersion() {
    return liveVersion;
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
