package io.orchestrix.projection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class FreeTextTest {

  @Test
  void errorTextsLoseOnlyWhatNoStoreCanKeep() {
    ProjectionState state = ProjectionState.initial("p", Instant.EPOCH)
        .failed(3, "bad \uD800 and \u0000 but \uD83D\uDE00 stays", Instant.EPOCH);
    assertThat(state.lastError()).isEqualTo("bad \uFFFD and \uFFFD but \uD83D\uDE00 stays");
  }

  @Test
  void aStoredEnvelopeEscapesLoneSurrogatesSoItReadsBackTheSame() {
    DeadLetter letter = new DeadLetter("p", 1, "e", "s", "T", "{\"v\":\"a\uDC00b\"}", "h", "E",
        "m\uD800", "t", 1, Instant.EPOCH, Instant.EPOCH);
    assertThat(letter.envelopeJson()).isEqualTo("{\"v\":\"a\\uDC00b\"}");
    assertThat(letter.errorMessage()).isEqualTo("m\uFFFD");
  }
}
