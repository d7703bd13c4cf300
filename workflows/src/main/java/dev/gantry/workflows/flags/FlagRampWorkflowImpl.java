package dev.gantry.workflows.flags;

import dev.gantry.workflows.api.flags.AbortSignal;
import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.api.flags.FlagRampStatus;
import dev.gantry.workflows.api.flags.MetricCounts;
import dev.gantry.workflows.api.flags.MetricRequest;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.flags.SetDefaultRuleRequest;
import dev.gantry.workflows.api.flags.TreatmentCount;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class FlagRampWorkflowImpl implements FlagRampWorkflow {
  /** Inconclusive analyses in a row (too little traffic, metric unreadable) before the ramp stops. */
  static final int MAX_INCONCLUSIVE = 3;

  private final FeatureFlagActivities flags =
      Workflow.newActivityStub(FeatureFlagActivities.class, ActivityOptionsCatalogue.SPLIT);
  private final FlagAnalysisActivities analysis =
      Workflow.newActivityStub(FlagAnalysisActivities.class, ActivityOptionsCatalogue.FLAG_METRICS);

  /** The client's input until {@link FlagsFromPolicy} replaces it with the policy's (runs no release started). */
  private FlagRampRequest request;
  private FlagRampPlan plan;
  private final FlagWorkflows.Trail trail;
  private RampState state = RampState.RUNNING;
  private int percent;
  private int step;
  private String nextAnalysisAt;
  private String lastAnalysis;
  private String stoppedBecause;
  private AbortSignal abort;

  @WorkflowInit
  public FlagRampWorkflowImpl(FlagRampRequest request) {
    this.request = request;
    this.plan = request.plan();
    this.trail = new FlagWorkflows.Trail(request.workflowId(), request.environment());
  }

  @Override
  public FlagRampStatus run(FlagRampRequest ignored) {
    if (FlagsFromPolicy.applies()) {
      request = FlagsFromPolicy.ramp(request);
      plan = request.plan();
    }
    String by = request.requestedBy();
    trail.log("ramp of " + plan.flag() + " (" + plan.treatmentOrDefault() + ") in " + request.environment()
        + " started by " + by + ": steps " + plan.stepsOrDefault() + "%, bake " + plan.bakeMinutesOrDefault()
        + " min, " + plan.metric() + " <= " + plan.maxRate());
    trail.audit("flag-ramp", by, "started", plan.flag() + " steps " + plan.stepsOrDefault()
        + (request.releaseId() == null ? "" : " (release " + request.releaseId() + ")"));
    List<Integer> steps = plan.stepsOrDefault();
    try {
      for (int i = 0; i < steps.size(); i++) {
        step = i + 1;
        if (abort != null) {
          stop(RampState.ABORTED, "aborted by " + abort.by() + ": " + abort.reason(), abort.by());
        }
        setShare(steps.get(i), "step " + step + " of " + steps.size());
        long stepStartedAt = Workflow.currentTimeMillis();
        int inconclusive = 0;
        while (true) {
          long bake = Duration.ofMinutes(plan.bakeMinutesOrDefault()).toMillis();
          nextAnalysisAt = Instant.ofEpochMilli(Workflow.currentTimeMillis() + bake).toString();
          Workflow.await(Duration.ofMillis(bake), () -> abort != null);
          nextAnalysisAt = null;
          if (abort != null) {
            stop(RampState.ABORTED, "aborted by " + abort.by() + ": " + abort.reason(), abort.by());
          }
          Verdict verdict = analyse(stepStartedAt);
          lastAnalysis = "at " + percent + "%: " + verdict.detail();
          trail.log("analysis " + lastAnalysis);
          if (verdict.kind() == Verdict.Kind.PASS) {
            trail.audit("flag-ramp", null, "step passed", plan.flag() + " " + lastAnalysis);
            break;
          }
          if (verdict.kind() == Verdict.Kind.FAIL) {
            stop(RampState.STOPPED, "bad metric " + lastAnalysis, null);
          }
          if (++inconclusive >= MAX_INCONCLUSIVE) {
            stop(RampState.STOPPED, MAX_INCONCLUSIVE + " inconclusive analyses in a row (" + lastAnalysis + ")",
                null);
          }
          trail.log("inconclusive: baking " + percent + "% again (" + inconclusive + " of " + MAX_INCONCLUSIVE + ")");
        }
      }
    } catch (ActivityFailure failure) {
      // Split refused a step (a wrong key, an unknown treatment) or stayed down past the retries.
      stop(RampState.STOPPED, "could not change " + plan.flag() + ": " + failure.getCause().getMessage(), null);
    } catch (CanceledFailure cancelled) {
      Workflow.newDetachedCancellationScope(() -> rollBack("the ramp was cancelled")).run();
      state = RampState.ABORTED;
      stoppedBecause = "cancelled";
      throw cancelled;
    }
    state = RampState.SUCCEEDED;
    trail.log(plan.flag() + " is at " + percent + "% " + plan.treatmentOrDefault() + " in " + request.environment());
    trail.audit("flag-ramp", null, "succeeded", plan.flag() + " at " + percent + "%");
    return status();
  }

  private void setShare(int share, String what) {
    flags.setDefaultRule(new SetDefaultRuleRequest(request.split(), plan.flag(),
        Allocation.rollout(plan.treatmentOrDefault(), plan.offTreatmentOrDefault(), share),
        request.workflowId() + " " + what + ": " + share + "%"));
    percent = share;
    trail.log(what + ": " + plan.flag() + " set to " + share + "% " + plan.treatmentOrDefault());
    trail.audit("flag-ramp", null, "step", plan.flag() + " " + what + ": " + share + "% " + plan.treatmentOrDefault());
  }

  private record Verdict(Kind kind, String detail) {
    enum Kind { PASS, FAIL, INCONCLUSIVE }
  }

  /** The treatment's rate since the step began against the plan's maximum. Pure arithmetic on an activity's answer. */
  private Verdict analyse(long since) {
    MetricCounts counts;
    try {
      counts = analysis.readCounts(new MetricRequest(request.metricsUrl(), plan.flag(), request.environment(),
          plan.metric(), since));
    } catch (ActivityFailure failure) {
      return new Verdict(Verdict.Kind.INCONCLUSIVE, "metric " + plan.metric() + " unreadable: "
          + failure.getCause().getMessage());
    }
    TreatmentCount on = counts.of(plan.treatmentOrDefault());
    String measured = plan.metric() + " " + on.conversions() + "/" + on.exposures() + " = "
        + String.format(java.util.Locale.ROOT, "%.4f", on.rate()) + " (max " + plan.maxRate() + ")";
    if (on.exposures() < plan.minExposuresOrDefault()) {
      return new Verdict(Verdict.Kind.INCONCLUSIVE, measured + ": fewer than " + plan.minExposuresOrDefault()
          + " exposures");
    }
    return on.rate() > plan.maxRate() ? new Verdict(Verdict.Kind.FAIL, measured + " is above the maximum")
        : new Verdict(Verdict.Kind.PASS, measured);
  }

  /** Sets the flag back to 0%, records why, and ends the workflow failed. */
  private void stop(RampState ending, String reason, String actor) {
    Workflow.newDetachedCancellationScope(() -> rollBack(reason)).run();
    state = ending;
    stoppedBecause = reason;
    trail.audit("flag-ramp", actor, ending == RampState.ABORTED ? "aborted" : "stopped",
        plan.flag() + ": " + reason + "; set back to 0%");
    throw ApplicationFailure.newNonRetryableFailure(request.workflowId() + " stopped at step " + step + ": " + reason
        + "; " + plan.flag() + " set back to 0% " + plan.treatmentOrDefault(), FlagRampWorkflow.STOPPED);
  }

  private void rollBack(String reason) {
    try {
      flags.setDefaultRule(new SetDefaultRuleRequest(request.split(), plan.flag(),
          Allocation.rollout(plan.treatmentOrDefault(), plan.offTreatmentOrDefault(), 0),
          request.workflowId() + " stopped: " + reason));
      percent = 0;
      trail.log("STOPPED: " + reason + "; " + plan.flag() + " set back to 0%");
    } catch (ActivityFailure failure) {
      trail.log("STOPPED: " + reason + "; COULD NOT set " + plan.flag() + " back to 0% ("
          + failure.getCause().getMessage() + "): kill it in Split by hand");
      trail.audit("flag-ramp", null, "rollback failed", plan.flag() + ": " + failure.getCause().getMessage());
    }
  }

  @Override
  public FlagRampStatus status() {
    return new FlagRampStatus(request.workflowId(), plan.flag(), request.environment(), state, percent, step,
        plan.stepsOrDefault(), nextAnalysisAt, lastAnalysis, stoppedBecause, trail.timeline());
  }

  @Override
  public void abort(AbortSignal signal) {
    if (signal == null || signal.by() == null || signal.by().isBlank()) {
      trail.log("abort refused: send {\"by\": \"<you>\", \"reason\": \"...\"}");
      return;
    }
    if (abort == null && state == RampState.RUNNING) {
      abort = signal;
      trail.log("abort requested by " + signal.by() + ": " + signal.reason());
    }
  }
}
