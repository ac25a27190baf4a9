package io.orchestrix.projection.jdbc;

import static io.orchestrix.projection.tck.StoreFixtures.commit;
import static io.orchestrix.projection.tck.StoreFixtures.doc;
import static io.orchestrix.projection.tck.StoreFixtures.put;
import static io.orchestrix.projection.tck.StoreFixtures.quote;
import static io.orchestrix.projection.tck.StoreFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.ReadModelSchema;
import io.orchestrix.projection.spi.StoredDocument;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Every id and index value the text rule accepts is stored and read back exactly on each database,
 * and a connection, database or table that would not keep it exactly is refused with a message that
 * says what to change.
 */
@DisplayName("JDBC store: ids and index values are kept exactly, or the store refuses to open")
class ExactTextTest {

  private static final ReadModelSchema TEXTS = new ReadModelSchema("texts", List.of("value"));

  /** Ids no two of which may become one document: case, spaces, normalisation, non-characters, astral. */
  private static final List<String> NEAR_TWINS = List.of("a", "A", "a ", "a  ", " a", " ", "  ",
      "\u00A0", "ss", "ß", "SS", "ff", "\uFB00", "\u00E9", "e\u0301", "\uFFFE", "\uFFFF",
      "x\uFFFEy", "x\uFFFFy", "🎉", "😀", "𝄞", "\uD83D\uDE00 ", "a🎉", "a😀", "\uE000", "\uFFFD");

  /** Ids and index values of the longest length, in characters of 2, 3 and 4 UTF-8 bytes. */
  private static final List<String> LONGEST = List.of(
      "é".repeat(StoredDocument.MAX_ID_LENGTH),
      "日".repeat(StoredDocument.MAX_ID_LENGTH),
      "日".repeat(StoredDocument.MAX_ID_LENGTH - 1) + "本",
      "\uFFFF".repeat(StoredDocument.MAX_ID_LENGTH),
      "🎉".repeat(StoredDocument.MAX_ID_LENGTH / 2),
      "🎉".repeat(StoredDocument.MAX_ID_LENGTH / 2 - 1) + "😀");

  /** The tests every database passes, on a store over a fresh table prefix. */
  abstract class OnDatabase {

    String prefix;

    abstract String url();

    abstract void dropTables() throws SQLException;

    @BeforeEach
    void freshPrefix() {
      prefix = "x" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    }

    @AfterEach
    void drop() throws SQLException {
      dropTables();
    }

    JdbcProjectionStore open() {
      return JdbcProjectionStore.open(url(), Map.of(JdbcStoreOptions.TABLE_PREFIX, prefix,
          JdbcStoreOptions.POOL_SIZE, "2"));
    }

    void execute(String... statements) throws SQLException {
      try (Connection connection = DriverManager.getConnection(url());
           Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
      }
    }

    @Test
    @DisplayName("ids and index values differing only in case, spaces, normalisation or astral characters are distinct, found exactly")
    void nearTwinsStayApart() {
      assertStoredExactly(NEAR_TWINS);
    }

    @Test
    @DisplayName("ids and index values of 512 characters of 2-, 3- and 4-byte UTF-8 are stored whole and found exactly")
    void longestTextStoredWhole() {
      assertStoredExactly(LONGEST);
    }

    private void assertStoredExactly(List<String> texts) {
      try (JdbcProjectionStore store = open(); JdbcProjectionStore reader = open()) {
        store.prepareReadModel(TEXTS);
        reader.prepareReadModel(TEXTS);
        long token = store.claimWriter("p");
        store.commit(commit("p", token, 0, 1, texts.stream()
            .map(text -> put("texts", doc(text, "{\"text\":" + quote(text) + "}", Map.of("value", text), 1)))
            .collect(Collectors.toList())));

        assertThat(reader.count("texts")).as("documents stored").isEqualTo(texts.size());
        for (String text : texts) {
          StoredDocument found = reader.find("texts", text).orElse(null);
          assertThat(found).as("document %s", codePoints(text)).isNotNull();
          assertThat(found.id()).as("id of %s", codePoints(text)).isEqualTo(text);
          assertThat(found.indexValues()).as("index value of %s", codePoints(text))
              .containsExactly(Map.entry("value", text));
          assertThat(tree(found.json()).get("text").asText()).as("JSON of %s", codePoints(text))
              .isEqualTo(text);
          assertThat(reader.findByIndex("texts", "value", text)).extracting(StoredDocument::id)
              .as("documents under index value %s", codePoints(text)).containsExactly(text);
        }
        assertThat(reader.findAll("texts", texts).keySet()).containsExactlyInAnyOrderElementsOf(texts);
        assertThat(pageThrough(reader)).as("ids paged one at a time")
            .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(texts);
      }
    }

    private List<String> pageThrough(JdbcProjectionStore store) {
      List<String> visited = new ArrayList<>();
      String after = null;
      for (List<StoredDocument> page = store.page("texts", null, 1); !page.isEmpty();
           page = store.page("texts", after, 1)) {
        after = page.get(0).id();
        visited.add(after);
      }
      return visited;
    }

    /** Asserts the refusal says what is wrong, runs the statements it advises, and opens again. */
    void assertRefusedThenFixedByAdvice(StoreConfigurationException refusal, String found)
        throws SQLException {
      assertThat(refusal).as("refusal of a table that compares text inexactly").isNotNull();
      assertThat(refusal.getMessage()).contains(prefix + "rm_texts").contains(found)
          .contains("do not compare text exactly");
      String message = refusal.getMessage();
      String advice = message.substring(message.indexOf(". Run ") + ". Run ".length(),
          message.indexOf(", or use another table prefix"));
      execute(advice.split("; "));
      try (JdbcProjectionStore store = open()) {
        store.prepareReadModel(TEXTS);
        long token = store.claimWriter("p");
        store.commit(commit("p", token, 0, 1, List.of(
            put("texts", doc("a", "{}", Map.of("value", "a"), 1)),
            put("texts", doc("A", "{}", Map.of("value", "A"), 1)))));
        assertThat(store.count("texts")).isEqualTo(2);
      }
    }
  }

  private static List<String> codePoints(String text) {
    return text.codePoints().limit(4).mapToObj(c -> String.format("U+%04X", c)).toList();
  }

  @Nested
  @DisplayName("on H2")
  class OnH2 extends OnDatabase {

    private final String url = "jdbc:h2:mem:exact-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

    @Override
    String url() {
      return url;
    }

    @Override
    void dropTables() throws SQLException {
      execute("SHUTDOWN");
    }

    @Test
    @DisplayName("a database that ignores case (IGNORECASE=TRUE) is refused when the store opens")
    void ignoreCaseRefused() {
      StoreConfigurationException refusal = catchThrowableOfType(StoreConfigurationException.class,
          () -> JdbcProjectionStore.open(url + ";IGNORECASE=TRUE", Map.of()).close());

      assertThat(refusal).as("refusal of IGNORECASE=TRUE").isNotNull();
      assertThat(refusal.getMessage()).contains("IGNORECASE").contains("remove");
    }

    @Test
    @DisplayName("a read-model table made while the database ignored case is refused, and the advised statement fixes it")
    void caseInsensitiveTableRefused() throws SQLException {
      execute("CREATE TABLE " + prefix + "rm_texts (id VARCHAR_IGNORECASE(512) NOT NULL PRIMARY KEY,"
          + " doc_json CHARACTER LARGE OBJECT NOT NULL, doc_position BIGINT NOT NULL,"
          + " ix_value VARCHAR_IGNORECASE(512) NULL)");

      StoreConfigurationException refusal = catchThrowableOfType(StoreConfigurationException.class, () -> {
        try (JdbcProjectionStore store = open()) {
          store.prepareReadModel(TEXTS);
        }
      });

      assertRefusedThenFixedByAdvice(refusal, "VARCHAR_IGNORECASE");
    }
  }

  @Nested
  @DisplayName("on PostgreSQL")
  class OnPostgres extends OnDatabase {

    @Override
    String url() {
      return JdbcTestDatabases.postgres();
    }

    @Override
    void dropTables() throws SQLException {
      JdbcTestDatabases.dropTablesWithPrefix(url(), prefix);
      execute("DROP COLLATION IF EXISTS " + prefix + "ci");
    }

    @Test
    @DisplayName("a read-model table whose key columns have a nondeterministic collation is refused, and the advised statement fixes it")
    void nondeterministicCollationRefused() throws SQLException {
      execute("CREATE COLLATION " + prefix + "ci (provider = icu, locale = 'und-u-ks-level2',"
              + " deterministic = false)",
          "CREATE TABLE " + prefix + "rm_texts (id VARCHAR(512) COLLATE " + prefix + "ci NOT NULL"
              + " PRIMARY KEY, doc_json JSONB NOT NULL, doc_position BIGINT NOT NULL,"
              + " ix_value VARCHAR(512) COLLATE " + prefix + "ci NULL)");

      StoreConfigurationException refusal = catchThrowableOfType(StoreConfigurationException.class, () -> {
        try (JdbcProjectionStore store = open()) {
          store.prepareReadModel(TEXTS);
        }
      });

      assertRefusedThenFixedByAdvice(refusal, "nondeterministic");
    }

    @Test
    @DisplayName("a database whose encoding is not UTF8 is refused when the store opens")
    void nonUtf8DatabaseRefused() throws SQLException {
      String database = prefix + "ascii";
      execute("CREATE DATABASE " + database + " ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'"
          + " TEMPLATE template0");
      try {
        String asciiUrl = url().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
        StoreConfigurationException refusal = catchThrowableOfType(StoreConfigurationException.class,
            () -> JdbcProjectionStore.open(asciiUrl, Map.of()).close());

        assertThat(refusal).as("refusal of a SQL_ASCII database").isNotNull();
        assertThat(refusal.getMessage()).contains("SQL_ASCII").contains("UTF8");
      } finally {
        execute("DROP DATABASE IF EXISTS " + database);
      }
    }
  }

  @Nested
  @DisplayName("on MariaDB")
  class OnMariaDb extends OnDatabase {

    @Override
    String url() {
      return JdbcTestDatabases.mariadb();
    }

    @Override
    void dropTables() throws SQLException {
      JdbcTestDatabases.dropTablesWithPrefix(url(), prefix);
    }

    @Test
    @DisplayName("a connection whose character set is not utf8mb4 is refused when the store opens")
    void narrowConnectionCharacterSetRefused() {
      String narrow = url() + (url().contains("?") ? "&" : "?") + "sessionVariables=character_set_client"
          + "=utf8mb3,character_set_connection=utf8mb3,character_set_results=utf8mb3";

      StoreConfigurationException refusal = catchThrowableOfType(StoreConfigurationException.class,
          () -> JdbcProjectionStore.open(narrow, Map.of(JdbcStoreOptions.TABLE_PREFIX, prefix)).close());

      assertThat(refusal).as("refusal of a utf8mb3 connection").isNotNull();
      assertThat(refusal.getMessage()).contains("utf8mb3").contains("utf8mb4");
    }

    @Test
    @DisplayName("a read-model table in MariaDB's default collations (case-insensitive, pad-space, 3-byte) is refused, and the advised statements fix it")
    void defaultCollationTableRefused() throws SQLException {
      execute("CREATE TABLE " + prefix + "rm_texts (id VARCHAR(512) CHARACTER SET utf8mb4 COLLATE"
          + " utf8mb4_general_ci NOT NULL PRIMARY KEY, doc_json LONGTEXT NOT NULL, doc_position BIGINT"
          + " NOT NULL, ix_value VARCHAR(512) CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci NULL)"
          + " ENGINE=InnoDB");

      StoreConfigurationException refusal = catchThrowableOfType(StoreConfigurationException.class, () -> {
        try (JdbcProjectionStore store = open()) {
          store.prepareReadModel(TEXTS);
        }
      });

      assertRefusedThenFixedByAdvice(refusal, "utf8mb4_general_ci");
      assertThat(refusal.getMessage()).contains("utf8mb3_general_ci");
    }
  }
}
