package dev.gantry.workflows.api.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.workflows.support.Releases;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DefaultDataConverter;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The builder names what a plan sets; the plan's JSON (what histories record) stays the record's. */
class EnvironmentPlanTest {
  @Test
  void theJsonHasOnlyTheRecordsFieldsAndReadsBackEqual() throws Exception {
    EnvironmentPlan plan = Releases.example().environments().get(2).toBuilder()
        .maxParallelRegions(2)
        .concurrency("refuse")
        .build();

    Payload payload = DefaultDataConverter.STANDARD_INSTANCE.toPayload(plan).orElseThrow();
    JsonNode json = new ObjectMapper().readTree(payload.getData().toByteArray());
    Set<String> fields = new HashSet<>();
    json.fieldNames().forEachRemaining(fields::add);
    Set<String> components = new HashSet<>(Arrays.stream(EnvironmentPlan.class.getRecordComponents())
        .map(RecordComponent::getName).toList());

    assertThat(components).containsAll(fields);
    assertThat(fields).contains("name", "waves", "approval", "verification", "maxParallelRegions", "concurrency");
    assertThat(DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(0, Optional.of(
        Payloads.newBuilder().addPayloads(payload).build()), EnvironmentPlan.class,
        EnvironmentPlan.class)).isEqualTo(plan);
  }

  @Test
  void toBuilderKeepsEverySection() {
    EnvironmentPlan plan = Releases.example().environments().get(2).toBuilder().concurrency("wait").build();

    assertThat(plan.toBuilder().build()).isEqualTo(plan);
    assertThat(plan.withFlags(null)).isEqualTo(plan);
    assertThat(EnvironmentPlan.builder().build())
        .isEqualTo(new EnvironmentPlan(null, null, null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null));
  }
}
