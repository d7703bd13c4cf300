package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.support.PolicyEnvironments;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/** What a traffic owner owns, as the worker's policy says: never what whoever started it said. */
final class OwnerFromPolicy {
  private OwnerFromPolicy() {}

  /** What the owner owns, and the policy's plan of that environment it came from (approvals, directory). */
  record Owned(TrafficOwnerRequest request, RollbackPlan plan) {}

  /**
   * The environment as the worker's policy defines it now: whoever started this owner named only the application
   * and the environment. The owner's id must be the policy's DNS name (one owner per name). Refused (the owner
   * ends, nothing moved) when policy has no such environment or the id names another record.
   */
  static Owned resolve(TrafficOwnerRequest asked) {
    String ownerId = Workflow.getInfo().getWorkflowId();
    RollbackPlan plan = PolicyEnvironments.resolve(asked.application(), asked.environment(), "traffic-owner",
        OwnerFromPolicy::refused);
    TrafficOwnerRequest resolved = TrafficOwnerRequest.forEnvironment(asked.application(), plan.environment(),
        asked.pollSeconds(), asked.memory());
    if (resolved.recordName() == null) {
      throw refused(asked.environment() + " has no target.aws.route53 in the platform policy: no traffic to own");
    }
    String expected = ReleaseIds.traffic(asked.application(), resolved.recordName());
    if (!expected.equals(ownerId)) {
      throw refused("this owner's id " + Names.shown(ownerId) + " is not " + expected + ", the owner of "
          + asked.application() + "/" + asked.environment() + " in the platform policy");
    }
    return new Owned(resolved, plan);
  }

  private static ApplicationFailure refused(String why) {
    return ApplicationFailure.newNonRetryableFailure("refused: " + why, Failures.POLICY_REFUSED);
  }

}
