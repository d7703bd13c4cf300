package dev.gantry.workflows.api.policy;

import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The worker's platform policy. A release request says what to release; this turns it into the plan the
 * release runs (gates, targets, health checks, trust roots, approvers), or refuses it with
 * {@link Failures#POLICY_REFUSED} naming the field and the policy file.
 */
@ActivityInterface(namePrefix = "Policy.")
public interface PolicyActivities {
  @ActivityMethod(name = "Policy.resolvePlan")
  ReleaseRequest resolvePlan(ReleaseRequest request);
}
