package dev.gantry.activities.deploy;

import dev.gantry.workflows.api.DeployRequest;
import dev.gantry.workflows.api.DeployResult;
import dev.gantry.workflows.api.HealthCheckRequest;
import dev.gantry.workflows.api.HealthCheckResult;
import dev.gantry.workflows.api.RecordDeploymentRequest;
import dev.gantry.workflows.api.RecordDeploymentResult;
import dev.gantry.workflows.api.RollbackRequest;
import dev.gantry.workflows.api.RollbackResult;

/** One kind of deployment target (local folders today; AWS Lambda and ECS come with their issue). */
public interface TargetAdapter {

  /** The {@code target.type} this adapter serves. */
  String type();

  DeployResult deploy(DeployRequest request);

  HealthCheckResult checkHealth(HealthCheckRequest request);

  RollbackResult rollback(RollbackRequest request);

  RecordDeploymentResult recordDeployment(RecordDeploymentRequest request);
}
