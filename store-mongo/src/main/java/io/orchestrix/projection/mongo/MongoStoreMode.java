package io.orchestrix.projection.mongo;

/**
 * How the MongoDB store makes a commit atomic. Both give exactly-once effect (invariant 1); they
 * differ in what a reader may see while a commit is under way or after a crash.
 */
public enum MongoStoreMode {

  /**
   * Transactional if the deployment is a replica set or sharded cluster with logical sessions and a
   * start-up probe shows a real transaction hides and rolls back its writes; standalone otherwise. The
   * default.
   */
  AUTO,

  /**
   * Each commit is one multi-document transaction: documents, dead letters and checkpoint together,
   * all or nothing, for writers and readers alike. Opening the store in this mode fails if the
   * deployment cannot run transactions.
   */
  TRANSACTIONAL,

  /**
   * No transactions: documents are put with conditional writes that never go backwards, then the
   * checkpoint moves by a fenced compare-and-set that also records the commit's deletes, which run
   * last. A commit cut short before its checkpoint moved leaves documents ahead of the checkpoint,
   * visible to readers, until the events are processed again; the final read model is the same as
   * without the crash. Works on every deployment.
   */
  STANDALONE
}
