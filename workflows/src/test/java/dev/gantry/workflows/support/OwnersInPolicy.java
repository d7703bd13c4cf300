package dev.gantry.workflows.support;

import dev.gantry.workflows.api.ApprovalPolicy;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.RollbackPlan;
import dev.gantry.workflows.api.RollbackPlanRequest;
import dev.gantry.workflows.api.RollbackPolicyActivities;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform policy's environments as a traffic owner reads them ({@code Policy.resolveRollback}), for tests
 * that start owners: a test defines the environment its owner is for; an environment it did not define is refused
 * as the worker's policy refuses it.
 */
public final class OwnersInPolicy implements RollbackPolicyActivities {
  private final Map<String, EnvironmentPlan> environments = new ConcurrentHashMap<>();

  /** The environment that the request describes (its regions, target, health check and failback approvers). */
  public OwnersInPolicy define(TrafficOwnerRequest owner) {
    ApprovalPolicy approval = owner.failbackApprovers() == null || owner.failbackApprovers().isEmpty()
        ? ApprovalPolicy.none() : new ApprovalPolicy(true, owner.failbackApprovers(), 1, null);
    environments.put(owner.application() + "/" + owner.environment(), EnvironmentPlan.builder()
        .name(owner.environment())
        .primaryRegion(owner.regions().get(0))
        .waves(List.of(owner.regions()))
        .target(owner.target())
        .healthCheck(owner.healthCheck())
        .approval(approval)
        .variables(Map.of())
        .verification(VerificationPolicy.notRequired())
        .build());
    return this;
  }

  @Override
  public RollbackPlan resolveRollback(RollbackPlanRequest request) {
    EnvironmentPlan environment = environments.get(request.application() + "/" + request.environment());
    if (environment == null) {
      throw ApplicationFailure.newNonRetryableFailure("field 'environment': " + request.application() + " has no"
          + " environment " + request.environment() + " in the platform policy", Failures.POLICY_REFUSED);
    }
    return new RollbackPlan(environment, null, null);
  }
}
