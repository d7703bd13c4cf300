package dev.gantry.workflows.release;

import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsResult;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.flags.FlagRampWorkflow;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The feature flag stages of an environment with a {@code flags} section: the required-flags gate before
 * the deploy (never overridable) and the flag ramps started after it.
 */
final class FlagStages {
  private final FeatureFlagActivities flags =
      Workflow.newActivityStub(FeatureFlagActivities.class, ActivityOptionsCatalogue.SPLIT);
  private final GateContext context;

  FlagStages(GateContext context) {
    this.context = context;
  }

  /**
   * Every flag the environment requires must exist in its Split environment and not be killed. Not
   * overridable: a killed flag is someone's deliberate stop, and a missing one means the code would run
   * with the control treatment. If Split cannot be asked (out of retries, refused), the gate fails closed.
   */
  void requiredFlags(EnvironmentPlan env) {
    FlagPolicy policy = env.flags();
    if (policy == null || policy.requiredOrEmpty().isEmpty()) {
      return;
    }
    context.progress().stage(ReleaseState.RUNNING, "flags:" + env.name());
    context.recorder().publish(env.name());
    RequiredFlagsResult result;
    try {
      result = flags.checkRequired(new RequiredFlagsRequest(context.request().releaseId(), env.name(), policy.split(),
          policy.requiredOrEmpty()));
    } catch (ActivityFailure failure) {
      context.outcomes().failed(env, "flags", "required flags could not be checked: " + FailureReasons.of(failure));
      return;
    }
    if (result.passed()) {
      context.outcomes().passed(env, "flags", "required flags present and alive: " + String.join(", ", result.present())
          + " (" + result.source() + ")");
      return;
    }
    List<String> problems = new ArrayList<>();
    if (!result.missing().isEmpty()) {
      problems.add("missing " + String.join(", ", result.missing()));
    }
    if (!result.killed().isEmpty()) {
      problems.add("killed " + String.join(", ", result.killed()));
    }
    context.outcomes().failed(env, "flags", "required flag(s) " + String.join("; ", problems) + " in Split environment "
        + policy.split().environment() + " (" + result.source() + ")");
  }

  /**
   * Starts the environment's flag ramps as child workflows that outlive the release (a ramp takes hours
   * and has its own stop rules); the release waits only until each has started. A ramp of the same flag
   * already running is left alone and said so.
   */
  void startFlagRamps(EnvironmentPlan env) {
    FlagPolicy policy = env.flags();
    if (policy == null) {
      return;
    }
    for (FlagRampPlan plan : policy.rampsOrEmpty()) {
      FlagRampRequest ramp = new FlagRampRequest(context.request().application(), env.name(), policy.split(),
          policy.metricsUrl(), plan, context.request().requestedBy(), context.request().releaseId());
      FlagRampWorkflow child = Workflow.newChildWorkflowStub(FlagRampWorkflow.class, ChildWorkflowOptions.newBuilder()
          .setWorkflowId(ramp.workflowId())
          .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
          .build());
      Async.function(child::run, ramp);
      try {
        Workflow.getWorkflowExecution(child).get();
        context.progress().log(env.name(), null, "flag ramp started: " + ramp.workflowId() + " (" + plan.stepsOrDefault()
            + "%); follow it with `gantry flags status " + context.request().application() + " " + env.name() + " "
            + plan.flag() + "`");
        context.recorder().audit("flag-ramp", null, env.name(), "started", ramp.workflowId());
      } catch (RuntimeException notStarted) {
        context.progress().log(env.name(), null, "flag ramp " + ramp.workflowId() + " not started: "
            + FailureReasons.of(notStarted) + " (is one already running?)");
        context.recorder().audit("flag-ramp", null, env.name(), "not started", ramp.workflowId() + ": "
            + FailureReasons.of(notStarted));
      }
    }
  }
}
