package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.release.EnvironmentPlan;

/**
 * A promotion: the release's single environment takes the version only if {@code environment} is healthy
 * in every region and runs exactly this version (the same artifact digest) there.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PromotionSource(EnvironmentPlan environment) {}
