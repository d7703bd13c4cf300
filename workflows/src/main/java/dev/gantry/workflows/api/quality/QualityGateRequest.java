package dev.gantry.workflows.api.quality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Evaluate one environment's quality gate for a release.
 *
 * @param releaseId   the release's workflow id ({@code release/<app>/<version>}), for messages and logs
 * @param environment the environment whose gate this is
 * @param policy      the gate: which reports to read and the thresholds they must meet
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QualityGateRequest(String releaseId, String environment, QualityGatePolicy policy) {}
