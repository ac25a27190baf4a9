package io.orchestrix.projection.examples.workload;

import io.orchestrix.projection.ReadModelView;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The digest of {@code WORKLOAD.md}: SHA-256 over every document's {@link
 * OrderSummaryDocument#canonical() canonical line} plus {@code "\n"}, in key order, which is Java's
 * {@link String#compareTo} order of the order ids (documents are sorted here, so a store's own order,
 * such as a database collation, does not matter). Two read models have the same digest exactly when
 * they hold the same documents. Also counts documents and sums item counts and totals, to check a run
 * against the workload's table. Immutable.
 *
 * @param sha256 the digest as 64 lower-case hex digits
 * @param documents how many documents there are
 * @param itemCount Σ item count
 * @param totalAmount Σ total amount, exact
 */
public record ReadModelDigest(String sha256, long documents, long itemCount, BigDecimal totalAmount) {

  public ReadModelDigest {
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(totalAmount, "totalAmount");
  }

  /** The digest of the committed documents of a read model, read page by page. */
  public static ReadModelDigest of(ReadModelView<OrderSummaryDocument> view) {
    return of(view.streamAll());
  }

  /** The digest of these documents, in any order; ids must be unique. */
  public static ReadModelDigest of(Stream<OrderSummaryDocument> documents) {
    TreeMap<String, String> lines = new TreeMap<>();
    long[] items = {0};
    BigDecimal[] total = {BigDecimal.ZERO.setScale(2)};
    documents.forEach(document -> {
      String previous = lines.put(document.orderId(), document.canonical());
      if (previous != null) {
        throw new IllegalArgumentException("two documents have the id " + document.orderId());
      }
      items[0] += document.itemCount();
      total[0] = total[0].add(document.totalAmount());
    });
    MessageDigest sha256 = newSha256();
    for (Map.Entry<String, String> line : lines.entrySet()) {
      sha256.update(line.getValue().getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) '\n');
    }
    return new ReadModelDigest(HexFormat.of().formatHex(sha256.digest()), lines.size(), items[0],
        total[0]);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** One line: {@code sha256:<hex> (<n> documents, items <n>, total <amount>)}. */
  @Override
  public String toString() {
    return "sha256:" + sha256 + " (" + documents + " documents, items " + itemCount + ", total "
        + totalAmount.toPlainString() + ")";
  }
}
