package dev.gantry.workflows.api.rollout;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;

/**
 * Send {@code weight} percent of a region's traffic to {@code version} (the rest to the stable version).
 * 100 promotes: the version becomes the stable one. Idempotent: setting the same weight twice is a no-op.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WeightRequest(
    String releaseId,
    String application,
    String version,
    String environment,
    String region,
    DeployTarget target,
    int weight) {}
