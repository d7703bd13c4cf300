package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.util.List;

/**
 * @param verification the environment's signature policy, checked again right before this region's deploy
 *                     (null in histories recorded before signing existed)
 * @param signatures   what the release signed
 * @param rollout      how traffic moves to the new version (null: all at once, as before rollouts existed)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionDeploymentRequest(
    String releaseId,
    String application,
    String version,
    ArtifactRef artifact,
    String environment,
    String region,
    DeployTarget target,
    HealthCheck healthCheck,
    VerificationPolicy verification,
    List<SignatureRef> signatures,
    RolloutPolicy rollout) {

  public RegionDeploymentRequest(String releaseId, String application, String version, ArtifactRef artifact,
      String environment, String region, DeployTarget target, HealthCheck healthCheck,
      VerificationPolicy verification, List<SignatureRef> signatures) {
    this(releaseId, application, version, artifact, environment, region, target, healthCheck, verification,
        signatures, null);
  }

  public RegionDeploymentRequest(String releaseId, String application, String version, ArtifactRef artifact,
      String environment, String region, DeployTarget target, HealthCheck healthCheck) {
    this(releaseId, application, version, artifact, environment, region, target, healthCheck, null, null, null);
  }

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
