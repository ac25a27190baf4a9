package io.orchestrix.projection.spi.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.StoreConfigurationException;
import org.junit.jupiter.api.Test;

class StoreUrisTest {

  @Test
  void passwordsAreMaskedWhateverTheyHold() {
    assertThat(StoreUris.redact("redis://user:s3cret@host:6379/0")).isEqualTo("redis://user:****@host:6379/0");
    assertThat(StoreUris.redact("redis://u:pa/ss@wo:rd@host:6379/0")).isEqualTo("redis://u:****@host:6379/0");
    assertThat(StoreUris.redact("redis://u:pa?ss@host:6379/0")).isEqualTo("redis://u:****@host:6379/0");
    assertThat(StoreUris.redact("redis:/:secret@h")).doesNotContain("secret");
    assertThat(StoreUris.redact("redis::secret@h")).doesNotContain("secret");
    assertThat(StoreUris.redact("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=****&ssl=true");
    assertThat(StoreUris.redact("jdbc:mariadb://h/db?user=u&pwd=s3cret")).doesNotContain("s3cret");
    assertThat(StoreUris.redact("mongodb://u:p%40ss@h1,h2/db")).doesNotContain("p%40ss");
    assertThat(StoreUris.redact("redis://u:p@host/0?x=a@b")).doesNotContain(":p@");
  }

  @Test
  void uriWithoutPasswordsAreLeftAsTheyAre() {
    assertThat(StoreUris.redact("mongodb://h/db?authSource=a@b")).isEqualTo("mongodb://h/db?authSource=a@b");
    assertThat(StoreUris.redact("mongodb://h/db?x=a:b@c")).isEqualTo("mongodb://h/db?x=a:b@c");
    assertThat(StoreUris.redact("redis://host:6379")).isEqualTo("redis://host:6379");
    assertThat(StoreUris.redact("jdbc:h2:file:./data/x")).isEqualTo("jdbc:h2:file:./data/x");
  }

  @Test
  void aHierarchicalUriWithoutHostOrWithABadPortIsRefusedWithoutItsPassword() {
    assertThatThrownBy(() -> StoreUris.parseHierarchical("redis://"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no host");
    assertThatThrownBy(() -> StoreUris.parseHierarchical("redis://u:secret@:6379/0"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageNotContaining("secret");
    assertThatThrownBy(() -> StoreUris.parseHierarchical("redis://host:99999"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("bad port '99999'");
    assertThatThrownBy(() -> StoreUris.parseHierarchical("redis:host"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("not of the form");
    assertThat(StoreUris.parseHierarchical("mongodb://u:p@h1:1,h2/db?w=1").hosts())
        .containsExactly("h1:1", "h2");
    assertThatThrownBy(() -> StoreUris.parseHierarchical("mongodb://h/").requireDatabase("database"))
        .isInstanceOf(StoreConfigurationException.class).hasMessageContaining("names no database");
  }
}
