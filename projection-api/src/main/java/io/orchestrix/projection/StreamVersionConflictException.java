package io.orchestrix.projection;

/**
 * An append to an event stream expected the stream at one version but found another: another writer
 * appended in between. Nothing was appended.
 */
public final class StreamVersionConflictException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The stream the append was refused on. */
  private final String streamId;
  /** The version the writer expected. */
  private final long expectedVersion;
  /** The version found. */
  private final long actualVersion;

  /**
   * A refused append.
   *
   * @param streamId the stream
   * @param expectedVersion the version the writer expected
   * @param actualVersion the version found
   */
  public StreamVersionConflictException(String streamId, long expectedVersion, long actualVersion) {
    super("stream '" + streamId + "' was expected at version " + expectedVersion + " but is at "
        + actualVersion + "; nothing was appended", null, null, 0, null);
    this.streamId = streamId;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }

  /** {@return the stream appended to} */
  public String streamId() {
    return streamId;
  }

  /** {@return the version the writer expected} */
  public long expectedVersion() {
    return expectedVersion;
  }

  /** {@return the version found} */
  public long actualVersion() {
    return actualVersion;
  }

  /** {@link FailureKind#CONFLICT}. */
  @Override
  public FailureKind kind() {
    return FailureKind.CONFLICT;
  }
}
