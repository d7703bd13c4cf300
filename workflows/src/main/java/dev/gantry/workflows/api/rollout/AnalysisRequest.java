package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One analysis of one step in one region.
 *
 * @param baselineVersion the version the rest of the traffic goes to (null on a first deploy: thresholds only)
 * @param sinceMillis     the step started then: metrics from this time on count
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AnalysisRequest(
    String releaseId,
    String application,
    String environment,
    String region,
    String version,
    String baselineVersion,
    int step,
    int weight,
    AnalysisPolicy policy,
    long sinceMillis) {}
