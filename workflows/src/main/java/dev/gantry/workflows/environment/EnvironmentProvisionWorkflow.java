package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.environment.ProvisionRequest;
import dev.gantry.workflows.api.environment.ProvisionResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code gantry env create}: the environment's infrastructure in every region (a CloudFormation stack per
 * region on AWS, its folders for {@code local}), waited for with heartbeats, then its registration.
 * Id {@code env-create/<app>/<env>}. A region that fails deletes the stacks already created.
 */
@WorkflowInterface
public interface EnvironmentProvisionWorkflow {
  @WorkflowMethod(name = "EnvironmentProvision")
  ProvisionResult provision(ProvisionRequest request);
}
