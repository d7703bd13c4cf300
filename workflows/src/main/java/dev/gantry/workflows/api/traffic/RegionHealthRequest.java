package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;

/** @param healthCheck an extra HTTP or command check, or null (alarms and Route 53 only) */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionHealthRequest(
    String application, String environment, String region, DeployTarget target, HealthCheck healthCheck) {}
