package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What the automated analysis after each step reads and how it judges. At least one source.
 *
 * @param metricsUrl            an HTTP(S) (or {@code file:}) URL answering the Gantry metrics JSON (see
 *                              docs/progressive-rollouts.md); {@code {application}}, {@code {environment}},
 *                              {@code {region}}, {@code {version}} are replaced
 * @param cloudWatch            CloudWatch metrics of the region, or null
 * @param maxErrorRate          fail above this error rate of the new version (0..1)
 * @param maxLatencyP99Ms       fail above this p99 latency of the new version
 * @param maxErrorRateIncrease  fail when the new version's error rate exceeds the baseline's by more (0..1)
 * @param maxLatencyP99IncreaseMs fail when the new version's p99 exceeds the baseline's by more
 * @param minRequests           fewer requests to the new version than this: inconclusive (default 1)
 * @param inconclusiveWaitSeconds how long an inconclusive analysis waits for a person
 * @param onInconclusive        what happens when nobody decided in time: {@code rollback} or {@code promote}
 * @param onNoData              the verdict when a version reported no data (no requests, or only NaN):
 *                              {@code fail}, {@code pass} or {@code inconclusive}; null: the new version without
 *                              data is inconclusive and a baseline without data is skipped (absolute
 *                              thresholds still judge the new version)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AnalysisPolicy(
    String metricsUrl,
    CloudWatchMetrics cloudWatch,
    Double maxErrorRate,
    Double maxLatencyP99Ms,
    Double maxErrorRateIncrease,
    Double maxLatencyP99IncreaseMs,
    Long minRequests,
    Integer inconclusiveWaitSeconds,
    String onInconclusive,
    String onNoData) {

  public static final String ROLLBACK = "rollback";
  public static final String PROMOTE = "promote";
  /** {@link #onNoData} values. */
  public static final String NO_DATA_FAIL = "fail";
  public static final String NO_DATA_PASS = "pass";
  public static final String NO_DATA_INCONCLUSIVE = "inconclusive";

  public AnalysisPolicy(String metricsUrl, CloudWatchMetrics cloudWatch, Double maxErrorRate, Double maxLatencyP99Ms,
      Double maxErrorRateIncrease, Double maxLatencyP99IncreaseMs, Long minRequests, Integer inconclusiveWaitSeconds,
      String onInconclusive) {
    this(metricsUrl, cloudWatch, maxErrorRate, maxLatencyP99Ms, maxErrorRateIncrease, maxLatencyP99IncreaseMs,
        minRequests, inconclusiveWaitSeconds, onInconclusive, null);
  }

  public long minRequestsOrDefault() {
    return minRequests == null ? 1 : minRequests;
  }

  public int inconclusiveWaitSecondsOrDefault() {
    return inconclusiveWaitSeconds == null ? 3600 : inconclusiveWaitSeconds;
  }

  public String onInconclusiveOrDefault() {
    return onInconclusive == null ? ROLLBACK : onInconclusive;
  }
}
