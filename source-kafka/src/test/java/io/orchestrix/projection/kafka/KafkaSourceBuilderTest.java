package io.orchestrix.projection.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orchestrix.projection.core.InMemoryProjectionStateStore;
import io.orchestrix.projection.core.Projections;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaSourceBuilderTest {

  private final KafkaSourceBuilder builder = KafkaProjectionSource.builder(
      Projections.engine("p").store(new InMemoryProjectionStateStore()).build());

  @Test
  void settingsAreCheckedWhereTheyAreGivenNamingTheSettingAndTheValue() {
    assertThatThrownBy(() -> builder.topics("bad topic")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bad topic' is not a valid Kafka topic name");
    assertThatThrownBy(() -> builder.batchSize(0)).hasMessageContaining("batchSize must be 1 to 100000 but was 0");
    assertThatThrownBy(() -> builder.workers(0)).hasMessageContaining("workers must be 1 to 256 but was 0");
    assertThatThrownBy(() -> builder.maxLatency(Duration.ofMinutes(2)))
        .hasMessageContaining("maxLatency must be 0 to 1 minute but was PT2M");
    assertThatThrownBy(() -> builder.consumerProperty("enable.auto.commit", true))
        .hasMessageContaining("'enable.auto.commit' is set by the source itself")
        .hasMessageContaining("offsets live in the projection store");
    assertThatThrownBy(() -> builder.consumerProperty("group.id", "g")).hasMessageContaining("groupId(...)");
    assertThatThrownBy(() -> RecordMapping.defaults().withTypeHeader(" "))
        .hasMessageContaining("typeHeader must not be blank");
  }

  @Test
  void bootstrapServersAndATopicAreRequired() {
    assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("bootstrapServers(...) is required");
    assertThatThrownBy(() -> builder.bootstrapServers("127.0.0.1:1").build())
        .hasMessageContaining("topics(...) is required");
  }
}
