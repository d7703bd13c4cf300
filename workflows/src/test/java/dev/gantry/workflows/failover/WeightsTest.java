package dev.gantry.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WeightsTest {
  static final Map<String, Integer> BASELINE = ordered("us-east-1", 40, "us-west-2", 20, "eu-west-1", 20,
      "ap-southeast-1", 20);

  @Test
  void drainingMovesTheWholeWeightToTheTakersInProportionAndKeepsTheTotal() {
    Map<String, Integer> next = Weights.drain(BASELINE, BASELINE, "us-west-2",
        List.of("us-east-1", "eu-west-1", "ap-southeast-1"));

    assertThat(next).containsEntry("us-west-2", 0).containsEntry("us-east-1", 50)
        .containsEntry("eu-west-1", 25).containsEntry("ap-southeast-1", 25);
    assertThat(next.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(100);
  }

  @Test
  void anUnhealthyRegionThatIsNotATakerGetsNothingMore() {
    Map<String, Integer> next = Weights.drain(BASELINE, BASELINE, "us-west-2", List.of("us-east-1"));

    assertThat(next).containsEntry("us-east-1", 60).containsEntry("eu-west-1", 20).containsEntry("us-west-2", 0);
  }

  @Test
  void restoringGivesBackOnlyWhatWasTakenOverAndLeavesAnotherDrainedRegionDrained() {
    Map<String, Integer> twoDown = ordered("us-east-1", 70, "us-west-2", 0, "eu-west-1", 30, "ap-southeast-1", 0);

    Map<String, Integer> next = Weights.restore(twoDown, BASELINE, "us-west-2");

    assertThat(next).containsEntry("us-west-2", 20).containsEntry("us-east-1", 40).containsEntry("eu-west-1", 20)
        .containsEntry("ap-southeast-1", 0);
  }

  private static Map<String, Integer> ordered(Object... pairs) {
    Map<String, Integer> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Integer) pairs[i + 1]);
    }
    return map;
  }
}
