package dev.gantry.workflows.support;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.rollback.RollbackPlanRequest;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform policy's environments as traffic owners and environment workflows read them
 * ({@code Policy.resolveRollback}), for tests that start them: a test defines the environments it works on; an
 * environment it did not define is refused as the worker's policy refuses it.
 */
public final class OwnersInPolicy implements RollbackPolicyActivities {
  private final Map<String, EnvironmentPlan> environments = new ConcurrentHashMap<>();
  private final Map<String, String> directories = new ConcurrentHashMap<>();

  /** The environment that the request describes (its regions, target, health check and failback approvers). */
  public OwnersInPolicy define(TrafficOwnerRequest owner) {
    ApprovalPolicy approval = owner.failbackApprovers() == null || owner.failbackApprovers().isEmpty()
        ? ApprovalPolicy.none() : new ApprovalPolicy(true, owner.failbackApprovers(), 1, null);
    return define(owner, approval, null);
  }

  /** The environment as the platform policy declares it for {@code application} (environment workflows). */
  public OwnersInPolicy define(String application, EnvironmentPlan environment) {
    environments.put(application + "/" + environment.name(), environment);
    return this;
  }

  /** The environment the request describes, with these approval rules and approvers directory (signed actors). */
  public OwnersInPolicy define(TrafficOwnerRequest owner, ApprovalPolicy approval, String approversDirectory) {
    define(owner.application(), EnvironmentPlan.builder()
        .name(owner.environment())
        .primaryRegion(owner.regions().get(0))
        .waves(List.of(owner.regions()))
        .target(owner.target())
        .healthCheck(owner.healthCheck())
        .approval(approval)
        .variables(Map.of())
        .verification(VerificationPolicy.notRequired())
        .build());
    if (approversDirectory != null) {
      directories.put(owner.application() + "/" + owner.environment(), approversDirectory);
    }
    return this;
  }

  /** The environment's flags section declares this ramp, with the request's Split settings and metrics URL. */
  public OwnersInPolicy declare(dev.gantry.workflows.api.flags.FlagRampRequest ramp) {
    return declareFlags(ramp.application(), ramp.environment(), ramp.split(), ramp.metricsUrl(), ramp.plan(), null);
  }

  /** The environment's flags section declares this experiment, with the request's Split settings and metrics URL. */
  public OwnersInPolicy declare(dev.gantry.workflows.api.flags.ExperimentRequest experiment) {
    return declareFlags(experiment.application(), experiment.environment(), experiment.split(),
        experiment.metricsUrl(), null, experiment.experiment());
  }

  private OwnersInPolicy declareFlags(String application, String environment,
      dev.gantry.workflows.api.flags.SplitSettings split, String metricsUrl,
      dev.gantry.workflows.api.flags.FlagRampPlan ramp, dev.gantry.workflows.api.flags.ExperimentDefinition experiment) {
    EnvironmentPlan before = environments.get(application + "/" + environment);
    var flags = before == null ? null : before.flags();
    List<dev.gantry.workflows.api.flags.FlagRampPlan> ramps = new java.util.ArrayList<>(
        flags == null || flags.ramps() == null ? List.of() : flags.ramps());
    List<dev.gantry.workflows.api.flags.ExperimentDefinition> experiments = new java.util.ArrayList<>(
        flags == null || flags.experiments() == null ? List.of() : flags.experiments());
    if (ramp != null) {
      ramps.add(ramp);
    }
    if (experiment != null) {
      experiments.add(experiment);
    }
    EnvironmentPlan.Builder plan = before != null ? before.toBuilder() : EnvironmentPlan.builder()
        .name(environment).primaryRegion("us-east-1").waves(List.of(List.of("us-east-1")))
        .approval(ApprovalPolicy.none()).variables(Map.of()).verification(VerificationPolicy.notRequired());
    return define(application, plan.flags(new dev.gantry.workflows.api.flags.FlagPolicy(split, List.of(), metricsUrl,
        ramps, experiments)).build());
  }

  @Override
  public RollbackPlan resolveRollback(RollbackPlanRequest request) {
    EnvironmentPlan environment = environments.get(request.application() + "/" + request.environment());
    if (environment == null) {
      throw ApplicationFailure.newNonRetryableFailure("field 'environment': " + request.application() + " has no"
          + " environment " + request.environment() + " in the platform policy", Failures.POLICY_REFUSED);
    }
    return new RollbackPlan(environment, directories.get(request.application() + "/" + request.environment()), null);
  }
}
