package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.environment.DestroyApproval;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.DriftRequest;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One drift check of one environment ({@code drift/<app>/<env>}, run by its schedule or by
 * {@code gantry env drift}): declared state against what the target has, every difference reported.
 * With remediation approvers, a check that found parameter drift waits for one of them to approve
 * re-applying the declared configuration.
 */
@WorkflowInterface
public interface DriftDetectionWorkflow {

  @WorkflowMethod(name = "DriftDetection")
  DriftReport check(DriftRequest request);

  @QueryMethod(name = "report")
  DriftReport report();

  @UpdateMethod(name = "approveRemediation")
  String approveRemediation(DestroyApproval approval);

  @UpdateValidatorMethod(updateName = "approveRemediation")
  void validateRemediation(DestroyApproval approval);
}
