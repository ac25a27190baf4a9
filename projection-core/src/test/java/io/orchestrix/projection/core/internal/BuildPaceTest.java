package io.orchestrix.projection.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BuildPaceTest {

  @Test
  void eachBatchWaitsForTheTimeOfTheBatchesReservedBeforeIt() {
    BuildPace pace = new BuildPace(1_000);
    assertThat(pace.reserve(100, 0)).isEqualTo(Duration.ZERO);
    assertThat(pace.reserve(100, 0)).isEqualTo(Duration.ofMillis(100));
    assertThat(pace.reserve(50, 10_000_000)).as("reserved up to 200 ms")
        .isEqualTo(Duration.ofMillis(190));
  }

  @Test
  void timeLeftUnusedIsNotSavedUpForABurst() {
    BuildPace pace = new BuildPace(1_000);
    pace.reserve(100, 0);
    assertThat(pace.reserve(100, 5_000_000_000L)).isEqualTo(Duration.ZERO);
    assertThat(pace.reserve(100, 5_000_000_000L)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void withoutALimitNothingWaits() {
    assertThat(BuildPace.UNLIMITED.limited()).isFalse();
    assertThat(BuildPace.UNLIMITED.reserve(100_000, 0)).isEqualTo(Duration.ZERO);
    assertThat(BuildPace.UNLIMITED.reserve(100_000, 0)).isEqualTo(Duration.ZERO);
  }
}
