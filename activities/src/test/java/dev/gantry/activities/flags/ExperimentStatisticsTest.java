package dev.gantry.activities.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.gantry.workflows.api.flags.ExperimentAnalysisRequest;
import dev.gantry.workflows.api.flags.ExperimentResult;
import dev.gantry.workflows.api.flags.MetricCounts;
import dev.gantry.workflows.api.flags.TreatmentCount;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two-proportion z-test on numbers worked out by hand. */
class ExperimentStatisticsTest {
  private static ExperimentResult compare(long... onOff) {
    MetricCounts counts = new MetricCounts("checkout-button", "purchases", List.of(
        new TreatmentCount("on", onOff[0], onOff[1]), new TreatmentCount("off", onOff[2], onOff[3])));
    return ExperimentStatistics.compare(new ExperimentAnalysisRequest(counts, "off", List.of("on", "off"), 0.05, 1000));
  }

  @Test
  void aClearDifferenceHasAWinnerWithItsLiftAndPValue() {
    // 13% vs 10% on 2000 each: pooled p 0.115, se 0.010088, z 2.974, p 0.00294
    ExperimentResult result = compare(2000, 260, 2000, 200);
    assertThat(result.winner()).isEqualTo("on");
    assertThat(result.significant()).isTrue();
    assertThat(result.pValue()).isCloseTo(0.00294, within(0.00005));
    assertThat(result.lift()).isCloseTo(0.30, within(1e-9));
    assertThat(result.treatments().get(1).zScore()).isCloseTo(2.974, within(0.001));
    assertThat(result.summary()).startsWith("on wins: lift +30.0% over off, p = 0.00294");
  }

  /** docs/ab-testing.md's worked example said p = 1.1e-05; the test gives 3.867e-05, and the guide must agree. */
  @Test
  void theGuidesWorkedExampleIsWhatGantryPrints() throws Exception {
    ExperimentResult result = compare(5120, 671, 5087, 533);
    assertThat(result.pValue()).isCloseTo(3.87e-05, within(0.005e-05));
    String guide = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "ab-testing.md"));
    assertThat(guide).contains("  result: " + result.summary() + "\n")
        .contains(String.format(java.util.Locale.ROOT, "lift %+.1f%%  p %.4g  significant", result.lift() * 100,
            result.pValue()));
  }

  @Test
  void aCloseOneIsNotSignificant() {
    // 10.5% vs 10%: z 0.521, p 0.602
    ExperimentResult result = compare(2000, 210, 2000, 200);
    assertThat(result.winner()).isNull();
    assertThat(result.significant()).isFalse();
    assertThat(result.pValue()).isCloseTo(0.602, within(0.001));
    assertThat(result.summary()).startsWith("not significant (p = 0.602");
  }

  @Test
  void aWorseTreatmentMakesTheControlTheWinner() {
    ExperimentResult result = compare(2000, 150, 2000, 200);
    assertThat(result.winner()).isEqualTo("off");
    assertThat(result.lift()).isNull();
    assertThat(result.summary()).startsWith("the control off is significantly better");
  }

  @Test
  void aSmallSampleIsSaidAndNoTrafficGivesNoPValue() {
    assertThat(compare(500, 80, 500, 50).summary()).endsWith("SAMPLE NOT REACHED (1000 per treatment)");
    ExperimentResult empty = compare(0, 0, 0, 0);
    assertThat(empty.pValue()).isNull();
    assertThat(empty.significant()).isFalse();
  }
}
