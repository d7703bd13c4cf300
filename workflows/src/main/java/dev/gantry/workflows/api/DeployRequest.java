package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

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
