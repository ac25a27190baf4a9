package io.orchestrix.projection.examples.workload;

import io.orchestrix.projection.EventEnvelope;
import java.nio.charset.StandardCharsets;

/**
 * The FNV-1a 64-bit hash of {@code WORKLOAD.md} over the UTF-8 lines {@code canonical(event) + "\n"}
 * in stream order: equal fingerprints mean equal streams. Not thread-safe; one per stream.
 */
public final class Fingerprint {

  private static final long OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private long hash = OFFSET_BASIS;

  /** Adds one event's canonical line and its newline. */
  public Fingerprint add(WorkloadEvent event) {
    for (byte b : event.canonical().getBytes(StandardCharsets.UTF_8)) {
      mix(b);
    }
    mix((byte) '\n');
    return this;
  }

  private void mix(byte b) {
    hash ^= b & 0xff;
    hash *= PRIME;
  }

  /** The hash so far. */
  public long value() {
    return hash;
  }

  /** The hash so far as 16 lower-case hex digits, as {@code WORKLOAD.md} prints it. */
  public String hex() {
    return String.format("%016x", hash);
  }

  /** The fingerprint of a whole stream. */
  public static Fingerprint of(Iterable<? extends EventEnvelope<? extends WorkloadEvent>> events) {
    Fingerprint fingerprint = new Fingerprint();
    for (EventEnvelope<? extends WorkloadEvent> event : events) {
      fingerprint.add(event.payload());
    }
    return fingerprint;
  }
}
