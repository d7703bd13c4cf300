package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.support.PolicyEnvironments;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * The environment an environment workflow (create, destroy, drift) works on, as the worker's platform policy
 * defines it: its regions, target, configuration, lifecycle and approvers. Whoever starts the workflow names the
 * application and the environment; the rest of what it sends is not used (runs from before read it, and replay
 * as they ran).
 */
final class EnvironmentFromPolicy {
  private EnvironmentFromPolicy() {}

  /**
   * The policy's plan of {@code asked}'s environment, or the client's own plan in runs from before
   * {@code environment-plan-from-policy}. Refused (the workflow fails, nothing changed) when the names are not
   * names or the policy has no such environment.
   */
  static EnvironmentPlan resolve(String application, EnvironmentPlan asked, String requestedBy) {
    RollbackPlan resolved = resolveWithDirectory(application, asked, requestedBy);
    return resolved.environment();
  }

  /** As {@link #resolve}, with the policy's approvers directory (null in runs from before). */
  static RollbackPlan resolveWithDirectory(String application, EnvironmentPlan asked, String requestedBy) {
    if (Workflow.getVersion(VersionMarkers.ENVIRONMENT_PLAN_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) < 1) {
      return new RollbackPlan(asked, null, null);
    }
    String environment = asked == null ? null : asked.name();
    if (!Names.isName(application) || !Names.isName(environment)) {
      throw refused("fields 'application' and 'environment.name' must be names like hello-service and production");
    }
    RollbackPlan resolved =
        PolicyEnvironments.resolve(application, environment, requestedBy, EnvironmentFromPolicy::refused);
    if (resolved.environment() == null || !environment.equals(resolved.environment().name())) {
      throw refused("the platform policy has no environment " + environment + " for " + application);
    }
    return resolved;
  }

  private static ApplicationFailure refused(String why) {
    return ApplicationFailure.newNonRetryableFailure("refused (nothing was changed): " + why,
        Failures.POLICY_REFUSED);
  }
}
