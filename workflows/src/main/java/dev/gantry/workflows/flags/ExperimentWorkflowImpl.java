package dev.gantry.workflows.flags;

import dev.gantry.workflows.api.flags.AbortSignal;
import dev.gantry.workflows.api.flags.Allocation;
import dev.gantry.workflows.api.flags.ExperimentAnalysisRequest;
import dev.gantry.workflows.api.flags.ExperimentDecision;
import dev.gantry.workflows.api.flags.ExperimentDefinition;
import dev.gantry.workflows.api.flags.ExperimentRequest;
import dev.gantry.workflows.api.flags.ExperimentResult;
import dev.gantry.workflows.api.flags.ExperimentStatus;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.flags.MetricCounts;
import dev.gantry.workflows.api.flags.MetricRequest;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.flags.SetDefaultRuleRequest;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

public class ExperimentWorkflowImpl implements ExperimentWorkflow {
  private final FeatureFlagActivities flags =
      Workflow.newActivityStub(FeatureFlagActivities.class, ActivityOptionsCatalogue.SPLIT);
  private final FlagAnalysisActivities analysis =
      Workflow.newActivityStub(FlagAnalysisActivities.class, ActivityOptionsCatalogue.FLAG_METRICS);

  /** The client's input until {@link FlagsFromPolicy} replaces it with the policy's (runs no release started). */
  private ExperimentRequest request;
  private ExperimentDefinition experiment;
  private final FlagWorkflows.Trail trail;
  private RampState state = RampState.RUNNING;
  private String phase = "starting";
  private String endsAt;
  private MetricCounts lastCounts;
  private ExperimentResult result;
  private String outcome;
  private String decidedBy;
  private ExperimentDecision decision;
  private AbortSignal abort;

  @WorkflowInit
  public ExperimentWorkflowImpl(ExperimentRequest request) {
    this.request = request;
    this.experiment = request.experiment();
    this.trail = new FlagWorkflows.Trail(request.workflowId(), request.environment());
  }

  @Override
  public ExperimentStatus run(ExperimentRequest ignored) {
    if (FlagsFromPolicy.applies()) {
      request = FlagsFromPolicy.experiment(request);
      experiment = request.experiment();
    }
    try {
      return experiment();
    } catch (ActivityFailure failure) {
      // Split refused a change or stayed down past the retries: say so in the status, then fail.
      state = RampState.STOPPED;
      phase = "failed: " + failure.getCause().getMessage();
      trail.log(phase);
      trail.audit("experiment", null, "failed", experiment.name() + ": " + failure.getCause().getMessage());
      throw failure;
    }
  }

  private ExperimentStatus experiment() {
    String control = experiment.controlOrDefault();
    trail.audit("experiment", request.requestedBy(), "started", experiment.name() + " on " + experiment.flag()
        + ": " + Allocation.describe(experiment.split()) + ", metric " + experiment.metric());
    setRule(experiment.split(), "experiment split");
    long started = Workflow.currentTimeMillis();
    long deadline = started + Duration.ofHours(experiment.maxDurationHoursOrDefault()).toMillis();
    endsAt = Instant.ofEpochMilli(deadline).toString();
    long interval = Duration.ofMinutes(experiment.checkIntervalMinutesOrDefault()).toMillis();
    phase = "collecting: every treatment needs " + experiment.minSamplePerTreatment() + " exposures";
    boolean sampleReached = false;
    while (abort == null) {
      try {
        lastCounts = analysis.readCounts(new MetricRequest(request.metricsUrl(), experiment.flag(),
            request.environment(), experiment.metric(), started));
        sampleReached = experiment.treatmentNames().stream()
            .allMatch(t -> lastCounts.of(t).exposures() >= experiment.minSamplePerTreatment());
      } catch (ActivityFailure failure) {
        trail.log("metric unreadable: " + failure.getCause().getMessage() + "; trying again later");
      }
      long now = Workflow.currentTimeMillis();
      if (sampleReached || now >= deadline) {
        break;
      }
      Workflow.await(Duration.ofMillis(Math.min(interval, deadline - now)), () -> abort != null);
    }
    if (abort != null) {
      return finish(control, abort.by(), "aborted: " + abort.reason(), RampState.ABORTED);
    }
    trail.log(sampleReached ? "sample reached" : "maximum duration reached before the sample");
    if (lastCounts == null) {
      lastCounts = new MetricCounts(experiment.flag(), experiment.metric(), List.of());
    }
    result = analysis.compare(new ExperimentAnalysisRequest(lastCounts, control, experiment.treatmentNames(),
        experiment.alphaOrDefault(), experiment.minSamplePerTreatment()));
    trail.log("result: " + result.summary());
    trail.audit("experiment", null, "analysed", experiment.name() + ": " + result.summary());

    if (experiment.automatic()) {
      String keep = result.significant() && result.sampleReached() && result.winner() != null
          ? result.winner() : control;
      return finish(keep, null, keep.equals(control) ? "automatic: no significant better treatment, back to "
          + control : "automatic: " + keep + " wins", RampState.DECIDED);
    }
    trail.audit("experiment", null, "awaiting decision", experiment.name() + ": " + result.summary());
    state = RampState.AWAITING_DECISION;
    phase = "awaiting a decision: gantry experiment decide " + request.application() + " " + experiment.name()
        + " " + request.environment() + " --keep|--rollback --as <you>";
    boolean decided = Workflow.await(Duration.ofHours(experiment.decisionTimeoutHoursOrDefault()),
        () -> decision != null || abort != null);
    if (abort != null && decision == null) {
      return finish(control, abort.by(), "aborted: " + abort.reason(), RampState.ABORTED);
    }
    if (!decided) {
      return finish(control, null, "no decision within " + experiment.decisionTimeoutHoursOrDefault()
          + "h: back to the control", RampState.DECIDED);
    }
    String keep = ExperimentDecision.KEEP.equals(decision.action())
        ? (decision.treatment() != null ? decision.treatment() : result.winner()) : control;
    return finish(keep, decision.by(), decision.action() + (decision.reason() == null ? "" : ": " + decision.reason()),
        RampState.DECIDED);
  }

  private ExperimentStatus finish(String keep, String by, String why, RampState ending) {
    List<Allocation> rule = new ArrayList<>();
    for (String treatment : experiment.treatmentNames()) {
      rule.add(new Allocation(treatment, treatment.equals(keep) ? 100 : 0));
    }
    Workflow.newDetachedCancellationScope(() -> setRule(rule, why)).run();
    outcome = keep;
    decidedBy = by;
    state = ending;
    phase = keep + " at 100% (" + why + ")";
    trail.audit("experiment", by, ending == RampState.ABORTED ? "aborted" : "decided",
        experiment.name() + ": " + keep + " at 100% (" + why + ")");
    return status();
  }

  private void setRule(List<Allocation> rule, String why) {
    flags.setDefaultRule(new SetDefaultRuleRequest(request.split(), experiment.flag(), rule,
        request.workflowId() + ": " + why));
    trail.log(experiment.flag() + " set to " + Allocation.describe(rule) + " (" + why + ")");
  }

  @Override
  public ExperimentStatus status() {
    return new ExperimentStatus(request.workflowId(), experiment.name(), experiment.flag(), request.environment(),
        state, phase, endsAt, lastCounts, result, outcome, decidedBy, trail.timeline());
  }

  @Override
  public void validateDecide(ExperimentDecision decision) {
    String problem = problem(decision);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  private String problem(ExperimentDecision d) {
    if (state != RampState.AWAITING_DECISION || this.decision != null) {
      return "experiment " + experiment.name() + " is " + state + ", not awaiting a decision"
          + (state == RampState.RUNNING ? " (it is still collecting: " + phase + ")" : "");
    }
    if (d == null || d.by() == null || d.by().isBlank()) {
      return "field 'by' is missing: say who decides";
    }
    if (!ExperimentDecision.KEEP.equals(d.action()) && !ExperimentDecision.ROLLBACK.equals(d.action())) {
      return "field 'action' must be keep or rollback";
    }
    if (ExperimentDecision.KEEP.equals(d.action())) {
      String keep = d.treatment() != null ? d.treatment() : result.winner();
      if (keep == null) {
        return "no treatment won significantly: name one with --treatment, or roll back";
      }
      if (!experiment.treatmentNames().contains(keep)) {
        return "treatment '" + keep + "' is not in this experiment (" + experiment.treatmentNames() + ")";
      }
    }
    return null;
  }

  @Override
  public ExperimentStatus decide(ExperimentDecision decision) {
    this.decision = decision;
    trail.log("decision by " + decision.by() + ": " + decision.action()
        + (decision.treatment() == null ? "" : " " + decision.treatment()));
    return status();
  }

  @Override
  public void abort(AbortSignal signal) {
    if (signal == null || signal.by() == null || signal.by().isBlank()) {
      trail.log("abort refused: send {\"by\": \"<you>\", \"reason\": \"...\"}");
      return;
    }
    if (abort == null && (state == RampState.RUNNING || state == RampState.AWAITING_DECISION)) {
      abort = signal;
      trail.log("abort requested by " + signal.by() + ": " + signal.reason());
    }
  }
}
