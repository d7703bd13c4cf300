package dev.gantry.workflows.api.deploy;

import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The deployment port: what a target must do for a release. Implementations pick the adapter by
 * {@link DeployTarget#type()}. Every method is idempotent under retry.
 */
@ActivityInterface(namePrefix = "Deployment.")
public interface DeploymentActivities {

  /** Fails non-retryably (type {@link Failures#ARTIFACT_DIGEST_MISMATCH}) if the bytes do not match. */
  @ActivityMethod(name = "Deployment.deploy")
  DeployResult deploy(DeployRequest request);

  /** Throws a retryable failure (type {@link Failures#UNHEALTHY}) while the region is unhealthy. */
  @ActivityMethod(name = "Deployment.checkHealth")
  HealthCheckResult checkHealth(HealthCheckRequest request);

  @ActivityMethod(name = "Deployment.rollback")
  RollbackResult rollback(RollbackRequest request);

  @ActivityMethod(name = "Deployment.recordDeployment")
  RecordDeploymentResult recordDeployment(RecordDeploymentRequest request);
}
