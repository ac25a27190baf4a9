package io.orchestrix.projection.mongo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.BsonDocument;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The collation check on collections as {@code listCollections} describes them. The in-process test
 * server ignores collations, so this is checked on the descriptions a real MongoDB returns.
 */
class StoreSchemaTest {

  @Test
  @DisplayName("a collection without a collation, or with the simple one, compares text exactly")
  void simpleCollationAccepted() {
    assertThat(StoreSchema.collationProblem(null)).isNull();
    assertThat(StoreSchema.collationProblem(BsonDocument.parse("{name: 'x', type: 'collection', options: {}}")))
        .isNull();
    assertThat(StoreSchema.collationProblem(
        BsonDocument.parse("{name: 'x', options: {collation: {locale: 'simple'}}}"))).isNull();
  }

  @Test
  @DisplayName("a collection with a language collation is refused, naming it")
  void languageCollationRefused() {
    String problem = StoreSchema.collationProblem(BsonDocument.parse(
        "{name: 'x', options: {collation: {locale: 'en', strength: 2, caseLevel: false}}}"));

    assertThat(problem).contains("\"locale\": \"en\"").contains("strength").contains("byte for byte");
  }
}
