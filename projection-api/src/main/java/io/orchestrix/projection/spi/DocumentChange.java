package io.orchestrix.projection.spi;

import java.util.Objects;

/** One change of a commit: put (insert or replace) a document, or delete one. Immutable. */
public sealed interface DocumentChange permits DocumentChange.Put, DocumentChange.Delete {

  /** The read model the change applies to. */
  String readModel();

  /** The id of the document changed. */
  String id();

  /** Inserts or replaces a document. */
  record Put(String readModel, StoredDocument document) implements DocumentChange {
    public Put {
      Objects.requireNonNull(readModel, "readModel");
      Objects.requireNonNull(document, "document");
    }

    @Override
    public String id() {
      return document.id();
    }
  }

  /** Deletes a document; deleting one that does not exist is not an error. */
  record Delete(String readModel, String id) implements DocumentChange {
    public Delete {
      Objects.requireNonNull(readModel, "readModel");
      StoredDocument.requireValidId(id);
    }
  }
}
