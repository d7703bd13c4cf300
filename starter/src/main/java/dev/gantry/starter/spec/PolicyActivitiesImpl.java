package dev.gantry.starter.spec;

import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.PolicyActivities;
import dev.gantry.workflows.api.ReleaseRequest;
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
public class PolicyActivitiesImpl implements PolicyActivities {
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
    Policy policy;
    try {
      policy = reader.load(directory);
    } catch (SpecException broken) {
      log.error("platform policy cannot be used path={} problems={}", directory, broken.problems());
      throw ApplicationFailure.newNonRetryableFailure("the worker's platform policy at " + directory
          + " has " + broken.problems().size() + " problem(s) (see the worker's log): releases are refused until"
          + " it is fixed", Failures.POLICY_REFUSED);
    }
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
}
