package dev.gantry.workflows.region;

import dev.gantry.workflows.api.RegionDeploymentRequest;
import dev.gantry.workflows.api.RegionDeploymentResult;
import dev.gantry.workflows.api.RegionStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Deploys one version to one region and proves it healthy; if it cannot, leaves the region as it found it.
 * Started by the release as a child with id {@code release/<app>/<version>/<env>/<region>}.
 */
@WorkflowInterface
public interface RegionDeploymentWorkflow {

  @WorkflowMethod(name = "RegionDeployment")
  RegionDeploymentResult deploy(RegionDeploymentRequest request);

  @QueryMethod(name = "status")
  RegionStatus status();
}
