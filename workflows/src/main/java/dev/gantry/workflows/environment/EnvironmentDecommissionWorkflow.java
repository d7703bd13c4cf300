package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.environment.DecommissionRequest;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DestroyApproval;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code gantry env destroy}: refuses while a release runs in the environment or it serves traffic
 * (unless asked to drain), waits for its named approvers, drains, deletes its stacks, archives its audit
 * trail and unregisters it. Id {@code env-destroy/<app>/<env>}.
 */
@WorkflowInterface
public interface EnvironmentDecommissionWorkflow {
  @WorkflowMethod(name = TYPE)
  DecommissionResult destroy(DecommissionRequest request);

  @UpdateMethod(name = "approveDestroy")
  GateDecision approve(DestroyApproval approval);

  @UpdateValidatorMethod(updateName = "approveDestroy")
  void validateApproval(DestroyApproval approval);

  String TYPE = "EnvironmentDecommission";

  /** The stage in which a destroy stops the environment's traffic owner: it has been approved (or has expired). */
  String STOPPING_TRAFFIC_OWNER = "stopping the traffic owner";
  /** The stages of a destroy that has been approved (or expired) and runs: it may stop the traffic owner. */
  java.util.List<String> APPROVED_STAGES = java.util.List.of(STOPPING_TRAFFIC_OWNER, "draining", "deleting stacks",
      "archiving");

  /** Where it is: {@code checking}, {@code waiting for approval (n of m)}, {@code draining}, ... */
  @QueryMethod(name = "stage")
  String stage();
}
