package dev.gantry.bench;

import dev.gantry.workflows.api.PolicyActivities;
import dev.gantry.workflows.api.PolicyStamp;
import dev.gantry.workflows.api.ReleaseRequest;

/**
 * For the benchmarks that build their release plans in code (fan-out, parked releases, approval latency):
 * the plan is the one the benchmark wrote. They measure the workflow, not the policy; the overhead
 * benchmark runs the real policy resolver. Never register this in a worker that serves real releases.
 */
final class PlanAsGiven implements PolicyActivities {
  private static final PolicyStamp STAMP = new PolicyStamp("bench", "sha256:" + "0".repeat(64), null);

  @Override
  public ReleaseRequest resolvePlan(ReleaseRequest request) {
    return request.withPlan(request.environments(), request.approversDirectory(), request.signing(),
        request.promotion(), STAMP);
  }
}
