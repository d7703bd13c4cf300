package dev.gantry.bench;

import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.PolicyActivities;
import dev.gantry.workflows.api.PolicyStamp;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.RollbackPlan;
import dev.gantry.workflows.api.RollbackPlanRequest;
import dev.gantry.workflows.api.RollbackPolicyActivities;
import io.temporal.failure.ApplicationFailure;

/**
 * For the benchmarks that build their release plans in code (fan-out, parked releases, approval latency):
 * the plan is the one the benchmark wrote. They measure the workflow, not the policy; the overhead
 * benchmark runs the real policy resolver. There is no policy to roll back by, so a rollback is refused.
 * Never register this in a worker that serves real releases.
 */
final class PlanAsGiven implements PolicyActivities, RollbackPolicyActivities {
  private static final PolicyStamp STAMP = new PolicyStamp("bench", "sha256:" + "0".repeat(64), null);

  @Override
  public ReleaseRequest resolvePlan(ReleaseRequest request) {
    return request.withPlan(request.environments(), request.approversDirectory(), request.signing(),
        request.promotion(), STAMP);
  }

  @Override
  public RollbackPlan resolveRollback(RollbackPlanRequest request) {
    throw ApplicationFailure.newNonRetryableFailure("the benchmarks' plans are written in code: no policy to"
        + " roll back by", Failures.POLICY_REFUSED);
  }
}
