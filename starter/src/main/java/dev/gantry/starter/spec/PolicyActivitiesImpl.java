package dev.gantry.starter.spec;

import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.rollback.RollbackPlanRequest;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves each release's plan from the platform's policy directory. The directory is read whole when the
 * worker starts (a broken policy stops the start-up) and again for every release, so a merged change to the
 * policy repository applies to the next release; a policy that became broken refuses releases (fail closed)
 * until it is fixed, and the refusal says so.
 */
public class PolicyActivitiesImpl implements PolicyActivities, RollbackPolicyActivities {
  private static final Logger log = LoggerFactory.getLogger(PolicyActivitiesImpl.class);

  private final Path directory;
  private final PolicyDirectory reader = new PolicyDirectory();
  private final PlanResolver resolver = new PlanResolver();

  /** Reads the policy once, so that a worker with a broken policy never starts. */
  public PolicyActivitiesImpl(Path directory) {
    this.directory = directory.toAbsolutePath().normalize();
    Policy policy = reader.load(this.directory);
    log.info("platform policy loaded path={} digest={} commit={} applications={}", policy.stamp().path(),
        policy.stamp().digest(), policy.stamp().commit(), policy.applications().keySet());
  }

  @Override
  public ReleaseRequest resolvePlan(ReleaseRequest request) {
    Policy policy = current();
    try {
      ReleaseRequest plan = resolver.resolve(policy, request);
      log.info("plan resolved release={} policy={} environments={}", plan.releaseId(), policy.stamp().digest(),
          plan.environments().stream().map(env -> env.name()).toList());
      return plan;
    } catch (PolicyRefusal refusal) {
      log.warn("release refused by policy reasons={}", refusal.reasons());
      throw ApplicationFailure.newNonRetryableFailure(String.join("; ", refusal.reasons()), Failures.POLICY_REFUSED);
    }
  }

  /**
   * The environment's plan for a rollback: the application's environment as policy defines it now (regions,
   * target, approvals), the approvers directory and the policy's stamp; refused when the application or the
   * environment is not in policy.
   */
  @Override
  public RollbackPlan resolveRollback(RollbackPlanRequest request) {
    Policy policy = current();
    String policyFile = policy.file(PolicyDirectory.POLICY_FILE);
    if (request == null || !Names.isName(request.application()) || !Names.isName(request.environment())) {
      throw ApplicationFailure.newNonRetryableFailure("fields 'application' and 'environment' must be lowercase"
          + " names like hello-service and production", Failures.POLICY_REFUSED);
    }
    Policy.Application application = policy.applications().get(request.application());
    if (application == null) {
      throw ApplicationFailure.newNonRetryableFailure("field 'application': " + request.application()
          + " is not in the platform policy (" + policyFile + ", applications)", Failures.POLICY_REFUSED);
    }
    EnvironmentPlan environment = application.environments().get(request.environment());
    if (environment == null) {
      throw ApplicationFailure.newNonRetryableFailure("field 'environment': " + request.application()
          + " has no environment " + request.environment() + " in the platform policy (" + policyFile
          + ", applications." + application.name() + ".promotion " + application.promotion() + ")",
          Failures.POLICY_REFUSED);
    }
    log.info("rollback plan resolved release={} environment={} policy={}", request.releaseId(),
        environment.name(), policy.stamp().digest());
    return new RollbackPlan(environment, policy.approvers(), policy.stamp());
  }

  /**
   * The flag settings (Split workspace, API URL, the worker's key variables, a localhost file) and metrics
   * endpoints that some environment of the policy declares in its {@code flags} section: the only ones the
   * worker's flag activities will use, whatever a workflow's input says.
   */
  public DeclaredFlags declaredFlags() {
    java.util.Set<dev.gantry.workflows.api.flags.SplitSettings> splits = new java.util.HashSet<>();
    java.util.Set<String> metricsUrls = new java.util.HashSet<>();
    for (Policy.Application application : current().applications().values()) {
      for (var environment : application.environments().values()) {
        if (environment.flags() != null) {
          if (environment.flags().split() != null) {
            splits.add(environment.flags().split());
          }
          if (environment.flags().metricsUrl() != null) {
            metricsUrls.add(environment.flags().metricsUrl());
          }
        }
      }
    }
    return new DeclaredFlags(splits, metricsUrls);
  }

  /** What {@link #declaredFlags} found. */
  public record DeclaredFlags(java.util.Set<dev.gantry.workflows.api.flags.SplitSettings> splits,
      java.util.Set<String> metricsUrls) {}

  private Policy current() {
    try {
      return reader.load(directory);
    } catch (SpecException broken) {
      log.error("platform policy cannot be used path={} problems={}", directory, broken.problems());
      throw ApplicationFailure.newNonRetryableFailure("the worker's platform policy at " + directory
          + " has " + broken.problems().size() + " problem(s) (see the worker's log): releases are refused until"
          + " it is fixed", Failures.POLICY_REFUSED);
    }
  }
}
