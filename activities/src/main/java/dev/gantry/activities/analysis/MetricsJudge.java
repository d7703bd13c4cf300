package dev.gantry.activities.analysis;

import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import dev.gantry.workflows.api.rollout.VersionMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Compares a step's metrics with the thresholds and the baseline. Pure: no I/O. */
public final class MetricsJudge {
  private MetricsJudge() {}

  public static AnalysisResult judge(AnalysisPolicy policy, VersionMetrics canary, VersionMetrics baseline) {
    long min = policy.minRequestsOrDefault();
    if (canary == null || canary.requests() == null || canary.requests() < min) {
      long seen = canary == null || canary.requests() == null ? 0 : canary.requests();
      return new AnalysisResult(AnalysisResult.INCONCLUSIVE, seen + " request(s) to "
          + (canary == null ? "the new version" : canary.version()) + " < minRequests " + min, canary, baseline);
    }
    List<String> failures = new ArrayList<>();
    List<String> passes = new ArrayList<>();
    Double rate = errorRate(canary);
    if (policy.maxErrorRate() != null) {
      if (rate == null) {
        return new AnalysisResult(AnalysisResult.INCONCLUSIVE, "no error count for " + canary.version(), canary,
            baseline);
      }
      (rate > policy.maxErrorRate() ? failures : passes).add("error rate " + pct(rate)
          + (rate > policy.maxErrorRate() ? " > max " : " <= ") + pct(policy.maxErrorRate()));
    }
    if (policy.maxLatencyP99Ms() != null) {
      if (canary.latencyP99Ms() == null) {
        return new AnalysisResult(AnalysisResult.INCONCLUSIVE, "no p99 latency for " + canary.version(), canary,
            baseline);
      }
      boolean slow = canary.latencyP99Ms() > policy.maxLatencyP99Ms();
      (slow ? failures : passes).add("p99 " + ms(canary.latencyP99Ms()) + (slow ? " > max " : " <= ")
          + ms(policy.maxLatencyP99Ms()));
    }
    boolean baselineUsable = baseline != null && baseline.requests() != null && baseline.requests() >= min;
    if (policy.maxErrorRateIncrease() != null || policy.maxLatencyP99IncreaseMs() != null) {
      if (!baselineUsable) {
        passes.add("no baseline to compare with" + (baseline == null ? "" : " (" + baseline.version()
            + ": too few requests)"));
      } else {
        Double baseRate = errorRate(baseline);
        if (policy.maxErrorRateIncrease() != null && rate != null && baseRate != null) {
          double increase = rate - baseRate;
          boolean worse = increase > policy.maxErrorRateIncrease();
          (worse ? failures : passes).add("error rate " + pct(rate) + " vs " + pct(baseRate) + " on "
              + baseline.version() + (worse ? " (+" + pct(increase) + " > max +" : " (within +")
              + pct(policy.maxErrorRateIncrease()) + ")");
        }
        if (policy.maxLatencyP99IncreaseMs() != null && canary.latencyP99Ms() != null
            && baseline.latencyP99Ms() != null) {
          double increase = canary.latencyP99Ms() - baseline.latencyP99Ms();
          boolean worse = increase > policy.maxLatencyP99IncreaseMs();
          (worse ? failures : passes).add("p99 " + ms(canary.latencyP99Ms()) + " vs " + ms(baseline.latencyP99Ms())
              + " on " + baseline.version() + (worse ? " (+" + ms(increase) + " > max +" : " (within +")
              + ms(policy.maxLatencyP99IncreaseMs()) + ")");
        }
      }
    }
    String requests = canary.requests() + " requests";
    if (!failures.isEmpty()) {
      return new AnalysisResult(AnalysisResult.FAIL, String.join("; ", failures) + " (" + requests + ")", canary,
          baseline);
    }
    return new AnalysisResult(AnalysisResult.PASS, (passes.isEmpty() ? "no thresholds" : String.join("; ", passes))
        + " (" + requests + ")", canary, baseline);
  }

  static Double errorRate(VersionMetrics metrics) {
    if (metrics.errorRate() != null) {
      return metrics.errorRate();
    }
    if (metrics.errors() == null || metrics.requests() == null || metrics.requests() == 0) {
      return null;
    }
    return (double) metrics.errors() / metrics.requests();
  }

  static String pct(double rate) {
    return String.format(Locale.ROOT, "%.2f%%", rate * 100);
  }

  static String ms(double millis) {
    return String.format(Locale.ROOT, "%.0fms", millis);
  }
}
