package dev.gantry.activities.deploy;

import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;

/** One kind of deployment target (local folders today; AWS Lambda and ECS come with their issue). */
public interface TargetAdapter {

  /** The {@code target.type} this adapter serves. */
  String type();

  DeployResult deploy(DeployRequest request);

  HealthCheckResult checkHealth(HealthCheckRequest request);

  RollbackResult rollback(RollbackRequest request);

  RecordDeploymentResult recordDeployment(RecordDeploymentRequest request);
}
