package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What the metrics said about one version: null fields were not reported. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VersionMetrics(String version, Long requests, Long errors, Double errorRate, Double latencyP99Ms) {}
