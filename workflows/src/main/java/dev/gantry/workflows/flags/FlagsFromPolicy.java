package dev.gantry.workflows.flags;

import dev.gantry.workflows.api.flags.ExperimentDefinition;
import dev.gantry.workflows.api.flags.ExperimentRequest;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.support.PolicyEnvironments;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * A flag ramp or experiment started by a client (not by a release, whose plan is the policy's already) runs as
 * the worker's policy declares it: the environment's Split settings and metrics endpoint, and the ramp's steps,
 * bake and thresholds (or the experiment's split and decision rule) for that flag. The client names the
 * application, the environment and the flag (or experiment); a plan of its own (straight to 100%, no bake) is
 * not used. Runs from before {@code flags-from-policy} replay as they ran.
 */
final class FlagsFromPolicy {
  private FlagsFromPolicy() {}

  /** Whether this run takes its plan from policy: a new run that no release started. */
  static boolean applies() {
    return Workflow.getVersion(VersionMarkers.FLAGS_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) >= 1
        && Workflow.getInfo().getParentWorkflowId().isEmpty();
  }

  static FlagRampRequest ramp(FlagRampRequest asked) {
    String flag = asked.plan() == null ? null : asked.plan().flag();
    FlagPolicy flags = flags(asked.application(), asked.environment(), asked.requestedBy());
    FlagRampPlan declared = flags.ramps() == null ? null
        : flags.ramps().stream().filter(ramp -> ramp.flag().equals(flag)).findFirst().orElse(null);
    if (declared == null) {
      throw refused("the platform policy declares no ramp of flag " + Names.shown(flag) + " in "
          + asked.environment() + " (flags.ramps of its config.yaml)");
    }
    return new FlagRampRequest(asked.application(), asked.environment(), flags.split(), flags.metricsUrl(), declared,
        asked.requestedBy(), null);
  }

  static ExperimentRequest experiment(ExperimentRequest asked) {
    String name = asked.experiment() == null ? null : asked.experiment().name();
    FlagPolicy flags = flags(asked.application(), asked.environment(), asked.requestedBy());
    ExperimentDefinition declared = flags.experiments() == null ? null
        : flags.experiments().stream().filter(experiment -> experiment.name().equals(name)).findFirst().orElse(null);
    if (declared == null) {
      throw refused("the platform policy declares no experiment " + Names.shown(name) + " in " + asked.environment()
          + " (flags.experiments of its config.yaml)");
    }
    return new ExperimentRequest(asked.application(), asked.environment(), flags.split(), flags.metricsUrl(),
        declared, asked.requestedBy());
  }

  private static FlagPolicy flags(String application, String environment, String requestedBy) {
    if (!Names.isName(application) || !Names.isName(environment)) {
      throw refused("fields 'application' and 'environment' must be names like hello-service and production");
    }
    EnvironmentPlan plan =
        PolicyEnvironments.resolve(application, environment, requestedBy, FlagsFromPolicy::refused).environment();
    if (plan == null || plan.flags() == null || plan.flags().split() == null) {
      throw refused(environment + " of " + application + " has no flags section in the platform policy");
    }
    return plan.flags();
  }

  private static ApplicationFailure refused(String why) {
    return ApplicationFailure.newNonRetryableFailure("refused (no flag was changed): " + why,
        Failures.POLICY_REFUSED);
  }
}
