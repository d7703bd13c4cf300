package dev.gantry.activities.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import dev.gantry.workflows.api.rollout.VersionMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import dev.gantry.workflows.support.TestSeed;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fuzzes the analysis (CloudWatch series to metrics, then the judge) with missing, empty, zero, NaN, infinite,
 * negative and partial series. Seeded: the seed is printed and is in every failure's message; run one again
 * with {@code -Dgantry.seed=<seed>} (the older {@code -Dgantry.fuzz.seed} still works; more cases:
 * {@code -Dgantry.fuzz.cases=<n>}).
 */
class MetricsAnalysisFuzzTest {
  private static final List<String> NO_DATA_RULES = Arrays.asList(null, AnalysisPolicy.NO_DATA_FAIL,
      AnalysisPolicy.NO_DATA_PASS, AnalysisPolicy.NO_DATA_INCONCLUSIVE);

  @RegisterExtension static final TestSeed SEED = TestSeed.from("gantry.fuzz.seed");

  @Test
  void theAnalysisNeverCrashesAndEveryVerdictFollowsTheRules() {
    long seed = SEED.value();
    int cases = Integer.getInteger("gantry.fuzz.cases", 20_000);
    System.out.println("MetricsAnalysisFuzzTest " + SEED + ", cases=" + cases);
    Random random = SEED.random();
    for (int n = 0; n < cases; n++) {
      List<Double> cr = series(random);
      List<Double> ce = series(random);
      List<Double> cl = series(random);
      boolean withBaseline = random.nextInt(4) > 0;
      List<Double> br = series(random);
      List<Double> be = series(random);
      List<Double> bl = series(random);
      AnalysisPolicy policy = policy(random);
      String what = "seed=" + seed + " case " + n + ": canary r=" + cr + " e=" + ce + " l=" + cl
          + (withBaseline ? " baseline r=" + br + " e=" + be + " l=" + bl : " no baseline") + " policy=" + policy;

      VersionMetrics canary = MetricsAnalysis.fromSeries("1.4.0", cr, ce, cl);
      VersionMetrics baseline = withBaseline ? MetricsAnalysis.fromSeries("1.3.0", br, be, bl) : null;
      AnalysisResult result;
      try {
        result = MetricsJudge.judge(policy, canary, baseline);
      } catch (RuntimeException crash) {
        throw new AssertionError("the analysis crashed: " + what, crash);
      }

      assertThat(result.verdict()).as(what).isIn(AnalysisResult.PASS, AnalysisResult.FAIL,
          AnalysisResult.INCONCLUSIVE);
      assertThat(result.detail()).as(what).isNotBlank().doesNotContain("NaN").doesNotContain("Infinity");
      assertThat(canary.requests()).as(what).satisfiesAnyOf(r -> assertThat(r).isNull(),
          r -> assertThat(r).isNotNegative());

      boolean canaryHasData = canary.requests() != null && canary.requests() > 0;
      if (!canaryHasData) {
        assertThat(result.detail()).as(what).contains("no data for 1.4.0");
        String rule = policy.onNoData();
        String expected = rule == null || rule.equals(AnalysisPolicy.NO_DATA_INCONCLUSIVE)
            ? AnalysisResult.INCONCLUSIVE : rule.equals(AnalysisPolicy.NO_DATA_FAIL) ? AnalysisResult.FAIL
            : AnalysisResult.PASS;
        assertThat(result.verdict()).as(what).isEqualTo(expected);
        continue;
      }
      if (canary.requests() < policy.minRequestsOrDefault()) {
        assertThat(result.verdict()).as(what).isEqualTo(AnalysisResult.INCONCLUSIVE);
        continue;
      }
      // An absolute threshold crossed fails, with or without a baseline, whatever else is missing.
      double rate = (double) canary.errors() / canary.requests();
      boolean tooManyErrors = policy.maxErrorRate() != null && rate > policy.maxErrorRate();
      boolean tooSlow = policy.maxLatencyP99Ms() != null && canary.latencyP99Ms() != null
          && canary.latencyP99Ms() > policy.maxLatencyP99Ms();
      if (tooManyErrors || tooSlow) {
        assertThat(result.verdict()).as(what).isEqualTo(AnalysisResult.FAIL);
      }
      boolean baselineWithoutData = baseline != null && (baseline.requests() == null || baseline.requests() == 0);
      boolean relative = policy.maxErrorRateIncrease() != null || policy.maxLatencyP99IncreaseMs() != null;
      if (baselineWithoutData && relative) {
        assertThat(result.detail()).as(what).contains("no data for baseline 1.3.0");
        if (AnalysisPolicy.NO_DATA_FAIL.equals(policy.onNoData())) {
          assertThat(result.verdict()).as(what).isEqualTo(AnalysisResult.FAIL);
        }
      }
      if (result.verdict().equals(AnalysisResult.PASS)) {
        assertThat(tooManyErrors || tooSlow).as(what).isFalse();
      }
    }
  }

  /** Absent, empty, or a few values among ordinary counts, zeros, NaN, infinities and negatives. */
  private static List<Double> series(Random random) {
    int kind = random.nextInt(6);
    if (kind == 0) {
      return null;
    }
    if (kind == 1) {
      return List.of();
    }
    int length = 1 + random.nextInt(5);
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      values.add(switch (random.nextInt(8)) {
        case 0 -> 0.0;
        case 1 -> Double.NaN;
        case 2 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        case 3 -> -1.0 * random.nextInt(100);
        default -> (double) random.nextInt(kind == 5 ? 50 : 2000);
      });
    }
    return values;
  }

  private static AnalysisPolicy policy(Random random) {
    Double maxErrorRate = random.nextBoolean() ? random.nextDouble() * 0.2 : null;
    Double maxP99 = random.nextBoolean() ? 100.0 + random.nextInt(1000) : null;
    Double maxIncrease = random.nextBoolean() ? random.nextDouble() * 0.1 : null;
    Double maxP99Increase = random.nextBoolean() ? (double) random.nextInt(200) : null;
    Long minRequests = random.nextBoolean() ? null : (long) random.nextInt(300);
    String onNoData = NO_DATA_RULES.get(random.nextInt(NO_DATA_RULES.size()));
    return new AnalysisPolicy(null, null, maxErrorRate, maxP99, maxIncrease, maxP99Increase, minRequests, 60, null,
        onNoData);
  }
}
