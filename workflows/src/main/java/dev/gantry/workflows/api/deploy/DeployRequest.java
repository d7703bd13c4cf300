package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.artifact.ArtifactRef;

/**
 * Deploy one version of the artifact to one region. The idempotency key is
 * {@code (target, environment, region, version)}: a retried deploy finds its own earlier work.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeployRequest(
    String releaseId,
    String application,
    String version,
    ArtifactRef artifact,
    String environment,
    String region,
    DeployTarget target) {}
