package dev.gantry.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.support.FakeRegionTraffic;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TrafficRulesTest {
  final Map<String, Integer> baseline = FakeRegionTraffic.baseline(); // 40/20/20/20

  @Test
  void everyRegionServingGetsItsConfiguredWeight() {
    assertThat(TrafficRules.desired(baseline, baseline.keySet())).isEqualTo(baseline);
  }

  @Test
  void theServingRegionsShareTheTotalInProportionAndTheOthersGetZero() {
    assertThat(TrafficRules.desired(baseline, Set.of("us-east-1", "eu-west-1", "ap-southeast-1")))
        .containsExactly(Map.entry("us-east-1", 50), Map.entry("us-west-2", 0), Map.entry("eu-west-1", 25),
            Map.entry("ap-southeast-1", 25));
    assertThat(TrafficRules.desired(baseline, Set.of("eu-west-1")))
        .containsExactly(Map.entry("us-east-1", 0), Map.entry("us-west-2", 0), Map.entry("eu-west-1", 100),
            Map.entry("ap-southeast-1", 0));
  }

  @Test
  void roundingKeepsTheTotalExact() {
    Map<String, Integer> thirds = TrafficRules.desired(baseline, Set.of("us-west-2", "eu-west-1", "ap-southeast-1"));
    assertThat(thirds.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
    assertThat(thirds).containsEntry("us-east-1", 0);
    assertThat(thirds.values()).allMatch(w -> w == 0 || w == 33 || w == 34);
  }

  @Test
  void noServingRegionHasNoAnswer() {
    assertThat(TrafficRules.desired(baseline, Set.of())).isNull();
  }

  @Test
  void regionsConfiguredAtZeroShareEvenlyWhenOnlyTheyAreLeft() {
    Map<String, Integer> zeros = new LinkedHashMap<>(Map.of("a", 0));
    zeros.put("b", 0);
    zeros.put("c", 10);
    assertThat(TrafficRules.desired(zeros, Set.of("a", "b"))).containsEntry("a", 5).containsEntry("b", 5)
        .containsEntry("c", 0);
  }
}
