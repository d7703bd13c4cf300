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

  /**
   * Never throws, whatever the metrics hold: a missing, zero, NaN, infinite or negative value is "not reported".
   * A version without data (no requests) is judged by {@link AnalysisPolicy#onNoData()}, said in the reason;
   * absolute thresholds judge the new version whether or not the baseline has data.
   */
  public static AnalysisResult judge(AnalysisPolicy policy, VersionMetrics canary, VersionMetrics baseline) {
    canary = usable(canary);
    baseline = usable(baseline);
    long min = policy.minRequestsOrDefault();
    String canaryName = canary == null || canary.version() == null ? "the new version" : canary.version();
    if (hasNoData(canary)) {
      return noData(policy, "no data for " + canaryName + " (no requests reported)", true, canary, baseline);
    }
    if (canary.requests() < min) {
      return new AnalysisResult(AnalysisResult.INCONCLUSIVE, canary.requests() + " request(s) to " + canaryName
          + " < minRequests " + min, canary, baseline);
    }
    List<String> failures = new ArrayList<>();
    List<String> passes = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Double rate = errorRate(canary);
    if (policy.maxErrorRate() != null) {
      if (rate == null) {
        missing.add("no error count for " + canaryName);
      } else {
        (rate > policy.maxErrorRate() ? failures : passes).add("error rate " + pct(rate)
            + (rate > policy.maxErrorRate() ? " > max " : " <= ") + pct(policy.maxErrorRate()));
      }
    }
    if (policy.maxLatencyP99Ms() != null) {
      if (canary.latencyP99Ms() == null) {
        missing.add("no p99 latency for " + canaryName);
      } else {
        boolean slow = canary.latencyP99Ms() > policy.maxLatencyP99Ms();
        (slow ? failures : passes).add("p99 " + ms(canary.latencyP99Ms()) + (slow ? " > max " : " <= ")
            + ms(policy.maxLatencyP99Ms()));
      }
    }
    boolean relative = policy.maxErrorRateIncrease() != null || policy.maxLatencyP99IncreaseMs() != null;
    String baselineProblem = null;
    if (relative) {
      if (baseline == null) {
        passes.add("no baseline to compare with");
      } else if (hasNoData(baseline)) {
        baselineProblem = "no data for baseline " + baseline.version() + " (no requests reported)";
      } else if (baseline.requests() < min) {
        passes.add("no baseline to compare with (" + baseline.version() + ": too few requests)");
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
      // An absolute threshold crossed fails the step whatever else is missing (a baseline, a metric).
      List<String> said = new ArrayList<>(failures);
      said.addAll(missing);
      if (baselineProblem != null) {
        said.add(baselineProblem);
      }
      return new AnalysisResult(AnalysisResult.FAIL, String.join("; ", said) + " (" + requests + ")", canary,
          baseline);
    }
    AnalysisResult baselineVerdict = baselineProblem == null ? null
        : noData(policy, baselineProblem, false, canary, baseline);
    if (baselineVerdict != null && AnalysisResult.FAIL.equals(baselineVerdict.verdict())) {
      List<String> said = new ArrayList<>(missing);
      said.add(baselineVerdict.detail());
      return new AnalysisResult(AnalysisResult.FAIL, String.join("; ", said) + " (" + requests + ")", canary,
          baseline);
    }
    if (!missing.isEmpty()) {
      List<String> said = new ArrayList<>(missing);
      if (baselineVerdict != null) {
        said.add(baselineVerdict.detail());
      }
      return new AnalysisResult(AnalysisResult.INCONCLUSIVE, String.join("; ", said) + " (" + requests + ")",
          canary, baseline);
    }
    if (baselineVerdict != null) {
      String judged = passes.isEmpty() ? "" : String.join("; ", passes) + "; ";
      return new AnalysisResult(baselineVerdict.verdict(), judged + baselineVerdict.detail() + " (" + requests + ")",
          canary, baseline);
    }
    return new AnalysisResult(AnalysisResult.PASS, (passes.isEmpty() ? "no thresholds" : String.join("; ", passes))
        + " (" + requests + ")", canary, baseline);
  }

  /**
   * The verdict for a version without data, by policy. Unset: the new version is inconclusive; a baseline
   * without data cannot judge the relative thresholds, which are then skipped (pass).
   */
  private static AnalysisResult noData(AnalysisPolicy policy, String what, boolean isCanary, VersionMetrics canary,
      VersionMetrics baseline) {
    String rule = policy.onNoData();
    String verdict;
    String because;
    if (rule == null) {
      verdict = isCanary ? AnalysisResult.INCONCLUSIVE : AnalysisResult.PASS;
      because = isCanary ? "inconclusive (rollout.analysis.onNoData unset)"
          : "relative thresholds skipped (rollout.analysis.onNoData unset)";
    } else {
      verdict = switch (rule) {
        case AnalysisPolicy.NO_DATA_FAIL -> AnalysisResult.FAIL;
        case AnalysisPolicy.NO_DATA_PASS -> AnalysisResult.PASS;
        default -> AnalysisResult.INCONCLUSIVE;
      };
      because = verdict.toLowerCase(Locale.ROOT) + " by rollout.analysis.onNoData: " + rule;
    }
    return new AnalysisResult(verdict, what + ": " + because, canary, baseline);
  }

  private static boolean hasNoData(VersionMetrics metrics) {
    return metrics == null || metrics.requests() == null || metrics.requests() == 0;
  }

  /** The same metrics with every value that is not a finite, non-negative number taken as not reported. */
  static VersionMetrics usable(VersionMetrics metrics) {
    if (metrics == null) {
      return null;
    }
    Long requests = metrics.requests() == null || metrics.requests() < 0 ? null : metrics.requests();
    Long errors = metrics.errors() == null || metrics.errors() < 0 ? null : metrics.errors();
    Double rate = finite(metrics.errorRate());
    if (rate != null && rate > 1) {
      rate = null;
    }
    return new VersionMetrics(metrics.version(), requests, errors, rate, finite(metrics.latencyP99Ms()));
  }

  private static Double finite(Double value) {
    return value == null || !Double.isFinite(value) || value < 0 ? null : value;
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
