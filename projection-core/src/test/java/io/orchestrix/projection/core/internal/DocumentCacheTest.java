package io.orchestrix.projection.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.orchestrix.projection.spi.StoredDocument;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DocumentCacheTest {

  private static StoredDocument document(String id) {
    return new StoredDocument(id, "{}", Map.of(), 1);
  }

  @Test
  void aCompleteReadModelStaysCompleteWhenItEvictsAndAsksTheStoreOnlyForEvictedIds() {
    DocumentCache cache = new DocumentCache(10);
    cache.markComplete("rm");
    IntStream.range(0, 1_000).forEach(i -> cache.put("rm", "d" + i, document("d" + i)));

    assertThat(cache.lookup("rm", "d999")).isEqualTo(document("d999"));
    IntStream.range(0, 990).forEach(i ->
        assertThat(cache.lookup("rm", "d" + i)).as("evicted d%d", i).isNull());
    long falseAbsent = IntStream.range(1_000, 101_000)
        .filter(i -> cache.lookup("rm", "d" + i) != DocumentCache.ABSENT).count();
    assertThat(falseAbsent).as("never written ids the filter cannot rule out").isLessThan(100);
  }

  @Test
  void anIncompleteReadModelAsksTheStoreForEveryMiss() {
    DocumentCache cache = new DocumentCache(10);
    IntStream.range(0, 100).forEach(i -> cache.put("rm", "d" + i, document("d" + i)));

    assertThat(cache.lookup("rm", "d0")).isNull();
    assertThat(cache.lookup("rm", "never")).isNull();
  }

  @Test
  void markingCompleteAgainForgetsWhatWasEvicted() {
    DocumentCache cache = new DocumentCache(2);
    cache.markComplete("rm");
    IntStream.range(0, 5).forEach(i -> cache.put("rm", "d" + i, document("d" + i)));
    assertThat(cache.lookup("rm", "d0")).isNull();

    cache.markComplete("rm");

    assertThat(cache.lookup("rm", "d0")).isSameAs(DocumentCache.ABSENT);
  }

  @Test
  void theFilterHoldsEveryIdAddedAndFewOthers() {
    DocumentCache.EvictedIds ids = new DocumentCache.EvictedIds(10_000);
    IntStream.range(0, 40_000).forEach(i -> ids.add("order-" + i));

    assertThat(IntStream.range(0, 40_000).allMatch(i -> ids.mightContain("order-" + i))).isTrue();
    long others = IntStream.range(40_000, 140_000)
        .filter(i -> ids.mightContain("order-" + i)).count();
    assertThat(others).as("false positives in 100,000 at four times the capacity")
        .isLessThan(1_000);
  }
}
