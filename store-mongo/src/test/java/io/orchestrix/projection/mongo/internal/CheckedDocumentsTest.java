package io.orchestrix.projection.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.InvalidDocumentException;
import io.orchestrix.projection.spi.StoredDocument;
import java.util.Map;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The encodings kept between the check of a document and its commit, and their bounds. */
class CheckedDocumentsTest {

  private final CheckedDocuments checked = new CheckedDocuments();

  private static StoredDocument order(String id, String status) {
    return new StoredDocument(id, "{\"id\":\"" + id + "\",\"status\":\"" + status + "\",\"total\":12.50}",
        Map.of("status", status), 7);
  }

  @Test
  @DisplayName("the commit of the very document object that was checked takes the check's encoding")
  void commitTakesTheChecksEncoding() {
    StoredDocument document = order("o-1", "PAID");
    checked.check("orders", document);
    assertThat(checked.size()).isOne();

    RawBsonDocument latest = checked.take("orders", document).latest(3, 44, -1);

    assertThat(checked.size()).as("encodings kept after the commit took it").isZero();
    assertThat(ReadModelDocuments.decode(RawBsonDocument.parse(
        ReadModelDocuments.document("o-1", latest).toJson()))).isEqualTo(document);
    assertThat(latest.getInt64(EncodedDocument.WRITER).getValue()).isEqualTo(3);
    assertThat(latest.getInt64(EncodedDocument.SEQUENCE).getValue()).isEqualTo(44);
    assertThat(latest.getInt64(EncodedDocument.POSITION).getValue()).isEqualTo(7);
  }

  @Test
  @DisplayName("an equal document that is another object is converted again, and the kept encoding stays for its own")
  void anotherObjectIsConvertedAgain() {
    StoredDocument document = order("o-1", "PAID");
    checked.check("orders", document);

    StoredDocument equal = order("o-1", "PAID");
    checked.take("orders", equal).latest(1, 1, -1);

    assertThat(checked.size()).isOne();
  }

  @Test
  @DisplayName("a document never checked is converted, and refused, by the commit itself")
  void uncheckedDocumentIsCheckedByTheCommit() {
    StoredDocument bad = new StoredDocument("o-1", "{\"a.b\":1}", Map.of(), 1);

    assertThatThrownBy(() -> checked.take("orders", bad))
        .isInstanceOf(InvalidDocumentException.class).hasMessageContaining("'/a.b'");
  }

  @Test
  @DisplayName("a refused document is not kept")
  void refusedDocumentNotKept() {
    assertThatThrownBy(() -> checked.check("orders", new StoredDocument("o-1", "{\"$x\":1}", Map.of(), 1)))
        .isInstanceOf(InvalidDocumentException.class);
    assertThat(checked.size()).isZero();
  }

  @Test
  @DisplayName("a later save of the same id replaces the kept encoding")
  void laterSaveReplaces() {
    checked.check("orders", order("o-1", "PLACED"));
    StoredDocument last = order("o-1", "PAID");
    checked.check("orders", last);
    checked.check("customers", order("o-1", "PAID"));

    assertThat(checked.size()).isEqualTo(2);
    checked.take("orders", last).latest(1, 1, -1);
    assertThat(checked.size()).isOne();
  }

  @Test
  @DisplayName("a commit that deletes a checked document forgets its encoding")
  void deleteForgets() {
    checked.check("orders", order("o-1", "PAID"));

    checked.discard("orders", "o-1");

    assertThat(checked.size()).isZero();
  }

  @Test
  @DisplayName("an encoding no commit took within 16 commits is dropped")
  void unusedEncodingsAge() {
    checked.check("orders", order("o-1", "PAID"));
    for (int commit = 0; commit < CheckedDocuments.MAX_AGE_IN_COMMITS; commit++) {
      checked.startCommit();
    }
    assertThat(checked.size()).isOne();

    checked.startCommit();

    assertThat(checked.size()).isZero();
  }

  @Test
  @DisplayName("encodings beyond 32 MiB in all are not kept")
  void boundedInBytes() {
    String blob = "x".repeat(10 * 1024 * 1024);
    for (int i = 0; i < 4; i++) {
      checked.check("orders", new StoredDocument("big-" + i, "{\"blob\":\"" + blob + "\"}", Map.of(), 1));
    }

    assertThat(checked.size()).as("10 MiB documents kept under a 32 MiB bound").isEqualTo(3);
  }

  @Test
  @DisplayName("an encoding is written by one commit only")
  void encodingUsedOnce() {
    EncodedDocument encoding = ReadModelDocuments.encode("orders", order("o-1", "PAID"));
    encoding.latest(1, 1, -1);

    assertThatThrownBy(() -> encoding.latest(2, 2, -1)).isInstanceOf(IllegalStateException.class);
  }
}
