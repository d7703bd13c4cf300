package dev.gantry.workflows.support;

import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.release.ReleaseRequest;

/**
 * For the workflow's own tests only: the plan is the one the test wrote into the request, as if policy had
 * resolved exactly that. The real resolver (PlanResolver, tested in the starter module) refuses such a request.
 */
public final class PlanAsGiven implements PolicyActivities {
  public static final PolicyStamp STAMP =
      new PolicyStamp("/test/policy", "sha256:" + "0".repeat(64), null);

  @Override
  public ReleaseRequest resolvePlan(ReleaseRequest request) {
    return request.withPlan(request.environments(), request.approversDirectory(), request.signing(),
        request.promotion(), STAMP);
  }
}
