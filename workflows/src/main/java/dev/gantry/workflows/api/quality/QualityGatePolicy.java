package dev.gantry.workflows.api.quality;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The quality gate of one environment ({@code quality:} in {@code environments/<env>/config.yaml}).
 * A gate with neither rule is not a gate: leave the policy out instead.
 *
 * @param coverage line coverage demanded of the release; optional
 * @param security security score and scanner findings demanded of the release; optional
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QualityGatePolicy(CoverageRule coverage, SecurityRule security) {}
