package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionDeploymentRequest(
    String releaseId,
    String application,
    String version,
    ArtifactRef artifact,
    String environment,
    String region,
    DeployTarget target,
    HealthCheck healthCheck) {

  public DeployRequest toDeploy() {
    return new DeployRequest(releaseId, application, version, artifact, environment, region, target);
  }

  public HealthCheckRequest toHealthCheck() {
    return new HealthCheckRequest(application, version, environment, region, target, healthCheck);
  }

  public RollbackRequest toRollback(String reason) {
    return new RollbackRequest(releaseId, application, version, environment, region, target, reason);
  }
}
