package dev.gantry.workflows.api.rollback;

import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The worker's platform policy for environment rollbacks: the environment's plan for an application, or a
 * refusal ({@link Failures#POLICY_REFUSED}) naming the field and the policy file. A separate interface from
 * {@link PolicyActivities} (same {@code Policy.} prefix) so that one stays a single method.
 */
@ActivityInterface(namePrefix = "Policy.")
public interface RollbackPolicyActivities {
  @ActivityMethod(name = "Policy.resolveRollback")
  RollbackPlan resolveRollback(RollbackPlanRequest request);
}
