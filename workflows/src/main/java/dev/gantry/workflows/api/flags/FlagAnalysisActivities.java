package dev.gantry.workflows.api.flags;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Metrics for flag ramps and experiments: reading counts per treatment from an HTTP metrics endpoint and
 * the significance test. {@link #UNAVAILABLE} is retryable; {@link #INVALID} is not.
 */
@ActivityInterface(namePrefix = "FlagAnalysis.")
public interface FlagAnalysisActivities {
  /** The endpoint answered outside its contract (4xx, not JSON, negative counts), or the request is unusable. */
  String INVALID = "InvalidMetric";
  /** The endpoint could not be reached or failed (5xx, 408, 429, timeouts). Retried. */
  String UNAVAILABLE = "MetricsUnavailable";

  @ActivityMethod(name = "FlagAnalysis.readCounts")
  MetricCounts readCounts(MetricRequest request);

  /** Pure computation; an activity so the statistics library stays out of workflow code. */
  @ActivityMethod(name = "FlagAnalysis.compare")
  ExperimentResult compare(ExperimentAnalysisRequest request);
}
