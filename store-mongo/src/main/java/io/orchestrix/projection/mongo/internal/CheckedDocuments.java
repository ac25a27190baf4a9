package io.orchestrix.projection.mongo.internal;

import io.orchestrix.projection.spi.StoredDocument;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The encodings made when documents were checked, kept for the commit that writes them, so that a
 * document's JSON is parsed once on the engine's path: the engine checks each document as a handler
 * saves it, then commits the very same {@link StoredDocument} object, and checking is the conversion
 * to BSON. A commit uses a kept encoding only for the same object it was made from (compared by
 * identity: a {@code StoredDocument} is immutable), and converts any other document itself, which
 * checks it; either way it refuses a document MongoDB cannot hold before it writes anything.
 *
 * <p>Bounded: one encoding per read model and id (a later check of the same id replaces it, a commit
 * deleting the id forgets it), at most
 * {@value #MAX_BYTES} bytes in all (beyond that, documents are simply converted again at commit), and
 * an encoding not used within {@value #MAX_AGE_IN_COMMITS} commits of the store (its batch failed, or a
 * later save replaced the document) is dropped. Thread-safe.
 */
public final class CheckedDocuments {

  /** Most bytes of encodings kept at once. */
  static final long MAX_BYTES = 32L * 1024 * 1024;
  /** Commits of the store after which an unused encoding is dropped. */
  static final int MAX_AGE_IN_COMMITS = 16;

  private record Key(String readModel, String id) {}

  private record Kept(StoredDocument document, EncodedDocument encoding, long commit) {}

  private final Map<Key, Kept> kept = new HashMap<>();
  private long bytes;
  private long commits;

  /**
   * Checks a document by converting it, and keeps the conversion for its commit.
   *
   * @throws io.orchestrix.projection.InvalidDocumentException if MongoDB cannot hold it
   */
  public void check(String readModel, StoredDocument document) {
    EncodedDocument encoding = ReadModelDocuments.encode(readModel, document);
    Key key = new Key(readModel, document.id());
    synchronized (this) {
      Kept previous = kept.remove(key);
      if (previous != null) {
        bytes -= previous.encoding().size();
      }
      if (bytes + encoding.size() <= MAX_BYTES) {
        kept.put(key, new Kept(document, encoding, commits));
        bytes += encoding.size();
      }
    }
  }

  /**
   * The encoding of a document for a commit: the one made when this very object was checked, else a
   * new one. Either way it is the commit's alone.
   *
   * @throws io.orchestrix.projection.InvalidDocumentException if MongoDB cannot hold it
   */
  public EncodedDocument take(String readModel, StoredDocument document) {
    Key key = new Key(readModel, document.id());
    synchronized (this) {
      Kept entry = kept.get(key);
      if (entry != null && entry.document() == document) {
        kept.remove(key);
        bytes -= entry.encoding().size();
        return entry.encoding();
      }
    }
    return ReadModelDocuments.encode(readModel, document);
  }

  /** Forgets the encoding of a document the commit deletes: a handler saved it, then deleted it. */
  public void discard(String readModel, String id) {
    synchronized (this) {
      Kept entry = kept.remove(new Key(readModel, id));
      if (entry != null) {
        bytes -= entry.encoding().size();
      }
    }
  }

  /** Counts a commit of the store and drops the encodings that have waited too long for theirs. */
  public synchronized void startCommit() {
    commits++;
    for (Iterator<Kept> entries = kept.values().iterator(); entries.hasNext(); ) {
      Kept entry = entries.next();
      if (commits - entry.commit() > MAX_AGE_IN_COMMITS) {
        bytes -= entry.encoding().size();
        entries.remove();
      }
    }
  }

  /** How many encodings are kept. */
  public synchronized int size() {
    return kept.size();
  }
}
