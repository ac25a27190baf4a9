package io.orchestrix.projection.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.orchestrix.projection.StoreConfigurationException;
import io.orchestrix.projection.spi.support.ProjectionStoreProviders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Opening the store by URI through {@link ProjectionStoreProviders#open}: a malformed URI is refused
 * with {@link StoreConfigurationException} before any connection is made, with a message that holds
 * no password; an unknown property is refused by name. The URIs come from the store's hooks
 * ({@link StoreFixture#malformedUris()}, {@link StoreFixture#uriScheme()},
 * {@link StoreFixture#storeUri()}); a test whose hook is not provided is aborted with the hook's name.
 */
public interface ConfigurationContract {

  /** The password the kit writes into the URIs it makes; no message may show it. */
  String KIT_PASSWORD = "kit-Pa55word";

  /** The property key the kit passes to check that unknown keys are refused by name. */
  String UNKNOWN_PROPERTY = "kit.no-such-property";

  /** {@return the fixture of the store under test, fresh for each test} */
  StoreFixture fixture();

  /**
   * Contract: each malformed URI of the store is refused with StoreConfigurationException before
   * any connection, without its password.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("each malformed URI of the store is refused with StoreConfigurationException before any connection, without its password")
  default void malformedUrisRefused() {
    List<String> uris = fixture().malformedUris();
    Assumptions.assumeFalse(uris.isEmpty(), fixture().name()
        + " does not override malformedUris(), so refusing its malformed URIs is not checked");

    assertRefusedBeforeConnecting(uris);
  }

  /**
   * Contract: generic bad URIs of the store's scheme (no host, an empty host, a bad port) are
   * refused with StoreConfigurationException before any connection, without the password.
   */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("generic bad URIs of the store's scheme (no host, an empty host, a bad port) are refused with StoreConfigurationException before any connection, without the password")
  default void genericBadUrisRefused() {
    String scheme = fixture().uriScheme().orElse(null);
    Assumptions.assumeTrue(scheme != null, fixture().name()
        + " does not override uriScheme(), so generic bad URIs of its scheme are not checked");
    assertThat(ProjectionStoreProviders.availableSchemes()).as("schemes of the providers on the class path")
        .containsKey(scheme);
    String user = "kit:" + KIT_PASSWORD + "@";
    int trapPort = Integer.parseInt(fixture().connectionTrapAddress().split(":")[1]);

    assertRefusedBeforeConnecting(List.of(
        scheme + ":",
        scheme + "://",
        scheme + "://" + user,
        scheme + "://" + user + ":" + trapPort + "/0",
        scheme + "://" + user + "/0",
        scheme + "://" + user + "127.0.0.1:99999/0",
        scheme + "://" + user + "127.0.0.1:0/0",
        scheme + "://" + user + "127.0.0.1:port/0",
        scheme + "://" + user + "127.0.0.1:" + trapPort + ",:" + trapPort + "/0"));
  }

  /** Contract: an unknown property is refused with StoreConfigurationException naming the key. */
  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  @DisplayName("an unknown property is refused with StoreConfigurationException naming the key")
  default void unknownPropertyRefused() {
    String uri = fixture().storeUri().orElse(null);
    Assumptions.assumeTrue(uri != null, fixture().name()
        + " does not override storeUri(), so refusing unknown properties is not checked");

    Throwable refused = openAndClose(uri, Map.of(UNKNOWN_PROPERTY, "1"));

    assertThat(refused).as("opening %s with property %s", uri, UNKNOWN_PROPERTY)
        .isInstanceOf(StoreConfigurationException.class)
        .hasMessageContaining(UNKNOWN_PROPERTY);
    for (String password : passwordsIn(uri)) {
      assertThat(String.join("\n", messages(refused))).as("messages of the refusal").doesNotContain(password);
    }
  }

  private void assertRefusedBeforeConnecting(List<String> uris) {
    SoftAssertions softly = new SoftAssertions();
    for (String uri : uris) {
      int connectionsBefore = fixture().connectionsToTrap();
      Throwable refused = openAndClose(uri, Map.of());
      softly.assertThat(refused).as("opening %s", uri).isInstanceOf(StoreConfigurationException.class);
      for (String password : passwordsIn(uri)) {
        softly.assertThat(String.join("\n", messages(refused))).as("messages of the refusal of %s", uri)
            .doesNotContain(password);
      }
      softly.assertThat(fixture().connectionsToTrap() - connectionsBefore)
          .as("connections made to %s while opening %s", fixture().connectionTrapAddress(), uri).isZero();
    }
    softly.assertAll();
  }

  /** What opening the URI raised, or null after closing the store it opened. */
  private static Throwable openAndClose(String uri, Map<String, String> properties) {
    return catchThrowable(() -> ProjectionStoreProviders.open(uri, properties).close());
  }

  /** The messages of a failure and its causes, in order; empty for none. */
  private static List<String> messages(Throwable failure) {
    List<String> messages = new ArrayList<>();
    for (Throwable each = failure; each != null; each = each.getCause()) {
      messages.add(String.valueOf(each.getMessage()));
      if (each.getCause() == each) {
        break;
      }
    }
    return messages;
  }

  /** The passwords a URI holds: in its user info and in password-like query parameters. */
  private static List<String> passwordsIn(String uri) {
    List<String> passwords = new ArrayList<>();
    Matcher userInfo = Pattern.compile("//[^/@?]*?:([^/@?]+)@").matcher(uri);
    if (userInfo.find()) {
      passwords.add(userInfo.group(1));
    }
    Matcher parameter = Pattern.compile("(?i)(?:password|pwd|pass)=([^&;]+)").matcher(uri);
    while (parameter.find()) {
      passwords.add(parameter.group(1));
    }
    return passwords;
  }
}
