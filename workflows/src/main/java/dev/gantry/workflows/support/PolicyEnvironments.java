package dev.gantry.workflows.support;

import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.rollback.RollbackPlanRequest;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.release.FailureReasons;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.util.function.Function;

/**
 * One environment as the worker's platform policy defines it, asked from workflow code ({@code
 * Policy.resolveRollback}): what the traffic owner, the environment workflows and client-started flag workflows run
 * on instead of what their input says. Workflow code only.
 */
public final class PolicyEnvironments {
  private PolicyEnvironments() {}

  /**
   * The policy's plan of {@code application}'s {@code environment} and its approvers directory, asked on behalf of
   * this workflow by {@code requestedBy} (a person's handle, or {@code unknown} when it is not one).
   *
   * @param refused how the caller ends when the policy refuses (its message says what was left unchanged)
   */
  public static RollbackPlan resolve(String application, String environment, String requestedBy,
      Function<String, ApplicationFailure> refused) {
    RollbackPolicyActivities policy =
        Workflow.newActivityStub(RollbackPolicyActivities.class, ActivityOptionsCatalogue.POLICY);
    try {
      return policy.resolveRollback(new RollbackPlanRequest(Workflow.getInfo().getWorkflowId(), application, null,
          environment, Names.isPerson(requestedBy) ? requestedBy : "unknown"));
    } catch (ActivityFailure failure) {
      throw refused.apply(FailureReasons.of(failure));
    }
  }
}
