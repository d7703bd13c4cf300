package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionDeploymentResult(
    String region, String version, String previousVersion, boolean alreadyCurrent, String health) {}
