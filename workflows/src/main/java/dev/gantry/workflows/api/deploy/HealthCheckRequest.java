package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthCheckRequest(
    String application,
    String version,
    String environment,
    String region,
    DeployTarget target,
    HealthCheck healthCheck) {}
