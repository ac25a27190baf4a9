package io.orchestrix.projection;

/**
 * A partition of a projection tried to write a document that another partition of it wrote: the
 * projection's partition key does not keep each document within one partition (a read model that
 * gathers several streams needs a partition key they share, such as a customer id). The commit was
 * refused whole and nothing of it was written, so no update is lost; the projection stops at this
 * batch until its partition key is fixed and it is rebuilt. {@link FailureKind#FATAL}.
 */
public final class PartitionConflictException extends ProjectionException {

  private static final long serialVersionUID = 1L;

  /** The read model of the document. */
  private final String readModel;
  /** The document written from two partitions. */
  private final String documentId;
  /** The partition that wrote the document first. */
  private final int writtenBy;
  /** The partition whose commit was refused. */
  private final int refusedPartition;

  /**
   * @param projectionKey the key of the partition whose commit was refused
   * @param readModel the read model of the document
   * @param documentId the document
   * @param writtenBy the partition that last wrote the document
   * @param refusedPartition the partition whose write was refused
   */
  public PartitionConflictException(String projectionKey, String readModel, String documentId,
      int writtenBy, int refusedPartition) {
    super("projection '" + ProjectionIds.projectionOf(projectionKey) + "': document '" + documentId
            + "' of read model '" + readModel + "' was written by partition " + writtenBy
            + " and partition " + refusedPartition + " tried to write it too; the commit of partition "
            + refusedPartition + " was refused. Give the projection a partition key that keeps every "
            + "document in one partition, then rebuild it",
        projectionKey, null, 0, null);
    this.readModel = readModel;
    this.documentId = documentId;
    this.writtenBy = writtenBy;
    this.refusedPartition = refusedPartition;
  }

  /** {@return the read model of the document} */
  public String readModel() {
    return readModel;
  }

  /** {@return the document written from two partitions} */
  public String documentId() {
    return documentId;
  }

  /** {@return the partition that wrote the document first} */
  public int writtenBy() {
    return writtenBy;
  }

  /** {@return the partition whose commit was refused} */
  public int refusedPartition() {
    return refusedPartition;
  }

  /** {@link FailureKind#FATAL}. */
  @Override
  public FailureKind kind() {
    return FailureKind.FATAL;
  }
}
