package dev.gantry.bench;

import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.rollback.RollbackPlanRequest;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;

/**
 * For the benchmarks that build their release plans in code (fan-out, parked releases, approval latency):
 * the plan is the one the benchmark wrote. They measure the workflow, not the policy; the overhead
 * benchmark runs the real policy resolver. Environment workflows (drift checks) and rollbacks get the
 * environments a benchmark declared with {@link #knowing}; others are refused. Never register this in a worker
 * that serves real releases.
 */
final class PlanAsGiven implements PolicyActivities, RollbackPolicyActivities {
  private static final PolicyStamp STAMP = new PolicyStamp("bench", "sha256:" + "0".repeat(64), null);
  private final java.util.Map<String, dev.gantry.workflows.api.release.EnvironmentPlan> environments =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The benchmark's environment, as if the policy declared it for {@code application}. */
  PlanAsGiven knowing(String application, dev.gantry.workflows.api.release.EnvironmentPlan environment) {
    environments.put(application + "/" + environment.name(), environment);
    return this;
  }

  @Override
  public ReleaseRequest resolvePlan(ReleaseRequest request) {
    return request.withPlan(request.environments(), request.approversDirectory(), request.signing(),
        request.promotion(), STAMP);
  }

  @Override
  public RollbackPlan resolveRollback(RollbackPlanRequest request) {
    var environment = environments.get(request.application() + "/" + request.environment());
    if (environment != null) {
      return new RollbackPlan(environment, null, STAMP);
    }
    throw ApplicationFailure.newNonRetryableFailure("the benchmark declared no environment "
        + request.environment() + " for " + request.application(), Failures.POLICY_REFUSED);
  }
}
