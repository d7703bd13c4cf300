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
    String onInconclusive) {

  public static final String ROLLBACK = "rollback";
  public static final String PROMOTE = "promote";

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
