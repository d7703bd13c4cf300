package dev.gantry.workflows.release;

import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.EnvironmentState;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.FreezeSignal;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.Names;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import dev.gantry.workflows.api.cab.ReadDecisionRequest;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.flags.FlagRampWorkflow;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import dev.gantry.workflows.api.flags.RequiredFlagsRequest;
import dev.gantry.workflows.api.flags.RequiredFlagsResult;
import dev.gantry.workflows.api.notify.Notification;
import dev.gantry.workflows.api.notify.NotifyActivities;
import dev.gantry.workflows.api.notify.NotifyPolicy;
import dev.gantry.workflows.api.quality.Measurement;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.quality.QualityGateRequest;
import dev.gantry.workflows.api.quality.QualityGateResult;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The automated gates of an environment, in the order a release meets them: quality, change board
 * (and, after the deploy, closing the change). Workflow code: deterministic, side effects in activities.
 * A gate that cannot decide fails closed; only an accepted emergency override lets a failed or waiting
 * gate pass, and the override is recorded as such.
 */
final class EnvironmentGates {
  /** Where gate events go: the timeline, the report and the audit trail. */
  interface Recorder {
    void audit(String kind, String actor, String environment, String outcome, String detail);

    /** Search attributes and UI details follow a change of stage. */
    void publish(String environment);
  }

  /** How long a closed window waits before it looks again (edited calendars, late freezes). */
  static final Duration WINDOW_RECHECK = Duration.ofHours(1);

  private final QualityGateActivities quality =
      Workflow.newActivityStub(QualityGateActivities.class, ActivityOptionsCatalogue.QUALITY);
  private final ChangeBoardActivities changeBoard =
      Workflow.newActivityStub(ChangeBoardActivities.class, ActivityOptionsCatalogue.CHANGE_BOARD);
  private final NotifyActivities notifier = Workflow.newActivityStub(NotifyActivities.class, ActivityOptionsCatalogue.NOTIFY);
  private final DeploymentWindowActivities windows =
      Workflow.newActivityStub(DeploymentWindowActivities.class, ActivityOptionsCatalogue.WINDOW);
  private final FeatureFlagActivities flags =
      Workflow.newActivityStub(FeatureFlagActivities.class, ActivityOptionsCatalogue.SPLIT);

  private final ReleaseRequest request;
  private final ReleaseProgress progress;
  private final GateBook gates;
  private final Recorder recorder;
  private final Map<String, ChangeTicket> tickets = new LinkedHashMap<>();
  private final Map<String, CabDecisionSignal> cabSignals = new LinkedHashMap<>();
  private final Map<String, List<Freeze>> freezes = new LinkedHashMap<>();
  private int freezesAdded;

  EnvironmentGates(ReleaseRequest request, ReleaseProgress progress, GateBook gates, Recorder recorder) {
    this.request = request;
    this.progress = progress;
    this.gates = gates;
    this.recorder = recorder;
  }

  // ---- quality ----

  void quality(EnvironmentPlan env) {
    if (env.quality() == null) {
      return;
    }
    progress.stage(ReleaseState.RUNNING, "quality:" + env.name());
    recorder.publish(env.name());
    QualityGateResult result = quality.evaluate(
        new QualityGateRequest(request.releaseId(), env.name(), env.quality()));
    String measured = describe(result);
    if (result.passed()) {
      passed(env, "quality", measured);
      return;
    }
    if (gates.overridden(env.name(), "quality")) {
      overridden(env, "quality", "failed but overridden: " + measured);
      return;
    }
    failed(env, "quality", "quality gate failed: " + measured);
  }

  private static String describe(QualityGateResult result) {
    String measurements = result.measurements() == null ? "" : result.measurements().stream()
        .map(m -> m.name() + " " + number(m.value()) + (m.passed() ? " " + m.comparator() + " "
            : " NOT " + m.comparator() + " ") + number(m.threshold()))
        .collect(Collectors.joining(", "));
    List<String> problems = result.problems() == null ? List.of() : result.problems();
    return measurements + (problems.isEmpty() ? "" : (measurements.isEmpty() ? "" : "; ")
        + String.join("; ", problems));
  }

  private static String number(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
  }

  // ---- required feature flags ----

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
    progress.stage(ReleaseState.RUNNING, "flags:" + env.name());
    recorder.publish(env.name());
    RequiredFlagsResult result;
    try {
      result = flags.checkRequired(new RequiredFlagsRequest(request.releaseId(), env.name(), policy.split(),
          policy.requiredOrEmpty()));
    } catch (ActivityFailure failure) {
      failed(env, "flags", "required flags could not be checked: " + FailureReasons.of(failure));
      return;
    }
    if (result.passed()) {
      passed(env, "flags", "required flags present and alive: " + String.join(", ", result.present())
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
    failed(env, "flags", "required flag(s) " + String.join("; ", problems) + " in Split environment "
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
      FlagRampRequest ramp = new FlagRampRequest(request.application(), env.name(), policy.split(),
          policy.metricsUrl(), plan, request.requestedBy(), request.releaseId());
      FlagRampWorkflow child = Workflow.newChildWorkflowStub(FlagRampWorkflow.class, ChildWorkflowOptions.newBuilder()
          .setWorkflowId(ramp.workflowId())
          .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
          .build());
      Async.function(child::run, ramp);
      try {
        Workflow.getWorkflowExecution(child).get();
        progress.log(env.name(), null, "flag ramp started: " + ramp.workflowId() + " (" + plan.stepsOrDefault()
            + "%); follow it with `gantry flags status " + request.application() + " " + env.name() + " "
            + plan.flag() + "`");
        recorder.audit("flag-ramp", null, env.name(), "started", ramp.workflowId());
      } catch (RuntimeException notStarted) {
        progress.log(env.name(), null, "flag ramp " + ramp.workflowId() + " not started: "
            + FailureReasons.of(notStarted) + " (is one already running?)");
        recorder.audit("flag-ramp", null, env.name(), "not started", ramp.workflowId() + ": "
            + FailureReasons.of(notStarted));
      }
    }
  }

  // ---- deployment window ----

  /**
   * Waits, durably, until the environment's deployment window is open: re-evaluates when the next
   * opening comes, at least hourly, and at once when a freeze or an override arrives.
   */
  void window(EnvironmentPlan env, boolean recheck) {
    DeploymentWindowPolicy policy = env.window();
    if (policy == null && !freezes.containsKey(env.name())) {
      return;
    }
    if (policy == null) {
      policy = new DeploymentWindowPolicy("UTC", List.of(), List.of(), List.of(), List.of());
    }
    String lastReason = null;
    while (true) {
      long now = Workflow.currentTimeMillis();
      WindowDecision decision = windows.evaluate(new WindowCheckRequest(env.name(), policy, now,
          freezes.getOrDefault(env.name(), List.of())));
      if (decision.open()) {
        progress.environment(env.name(), EnvironmentState.PENDING, null);
        if (!recheck || lastReason != null) {
          passed(env, "window", decision.reason());
        }
        return;
      }
      if (gates.overridden(env.name(), "window")) {
        progress.environment(env.name(), EnvironmentState.PENDING, null);
        overridden(env, "window", "closed (" + decision.reason() + "), overridden");
        return;
      }
      if (!decision.reason().equals(lastReason)) {
        String waitingFor = "deployment window: " + decision.reason() + "; next opening "
            + decision.nextOpenDescription();
        progress.environment(env.name(), EnvironmentState.AWAITING_WINDOW, waitingFor);
        progress.stage(ReleaseState.WAITING, "window:" + env.name());
        progress.log(env.name(), null, "waiting for the " + waitingFor);
        recorder.audit("gate", null, env.name(), "waiting", "window: " + decision.reason());
        recorder.publish(env.name());
        lastReason = decision.reason();
      }
      long wakeAt = now + WINDOW_RECHECK.toMillis();
      if (decision.nextOpenEpochMillis() != null) {
        wakeAt = Math.min(wakeAt, decision.nextOpenEpochMillis());
      }
      int seen = freezesAdded;
      Workflow.await(Duration.ofMillis(Math.max(1, wakeAt - now)),
          () -> freezesAdded != seen || gates.overridden(env.name(), "window"));
    }
  }

  /**
   * Freezes added by signal per environment. Anyone who may signal may add one (a freeze only ever makes a
   * release wait longer), and each is sent to the window check every time it looks: a flood of them must
   * not grow that request without end.
   */
  static final int FREEZES_BY_SIGNAL = 20;

  /**
   * The {@code freeze} signal: returns null if the freeze was added, else why it was refused.
   *
   * @param boundedInput hold the message to {@link dev.gantry.workflows.api.MessageLimits} (false only for
   *                     releases started before the limits existed)
   */
  String addFreeze(FreezeSignal signal, boolean boundedInput) {
    if (signal != null && signal.malformed() != null) {
      return "malformed freeze message: " + signal.malformed();
    }
    if (boundedInput && signal != null && signal.outOfBounds() != null) {
      return signal.outOfBounds();
    }
    if (signal == null || signal.environment() == null) {
      return "field 'environment' is missing: send {\"environment\": \"production\", \"from\": \"2026-12-24\","
          + " \"to\": \"2026-12-26\", \"reason\": \"...\"}";
    }
    EnvironmentPlan env = request.environment(signal.environment()).orElse(null);
    if (env == null) {
      return "no environment " + Names.shown(signal.environment()) + " in this release";
    }
    if (boundedInput && freezes.getOrDefault(env.name(), List.of()).size() >= FREEZES_BY_SIGNAL) {
      return env.name() + " already has " + FREEZES_BY_SIGNAL + " freezes added by signal, the most a release"
          + " takes: put long-lived freezes in the environment's window policy";
    }
    String zone = env.window() == null ? "UTC" : env.window().timeZone();
    List<String> problems = DeploymentWindowPolicies.freezeProblems(signal.toFreeze(), zone, "freeze");
    if (!problems.isEmpty()) {
      return String.join("; ", problems);
    }
    freezes.computeIfAbsent(env.name(), name -> new ArrayList<>()).add(signal.toFreeze());
    freezesAdded++;
    return null;
  }

  // ---- change advisory board ----

  void changeBoard(EnvironmentPlan env) {
    CabPolicy policy = env.cab();
    if (policy == null) {
      return;
    }
    progress.stage(ReleaseState.WAITING, "cab:" + env.name());
    progress.environment(env.name(), EnvironmentState.AWAITING_CHANGE_BOARD, "change board decision");
    recorder.publish(env.name());
    ChangeTicket ticket = changeBoard.openChange(new ChangeRequest(request.releaseId(), request.application(),
        request.version(), request.artifact().digest(), env.name(), request.requestedBy(),
        "Deploy " + request.application() + " " + request.version() + " (" + request.artifact().digest()
            + ") to " + env.name() + " regions " + String.join(", ", env.regions()), policy));
    tickets.put(env.name(), ticket);
    progress.log(env.name(), null, "change " + ticket.number() + " opened for the " + policy.type()
        + " change board" + (ticket.link() == null ? "" : ": " + ticket.link()));
    recorder.audit("gate", null, env.name(), "waiting", "cab: change " + ticket.number());

    long deadline = Workflow.currentTimeMillis() + policy.timeoutHoursOrDefault() * 3_600_000L;
    long interval = Math.max(1, policy.pollIntervalSecondsOrDefault()) * 1000L;
    String unreachable = null;
    long maxInterval = interval * 4;
    while (true) {
      CabDecisionSignal signalled = cabSignals.get(env.name());
      CabDecision decision;
      if (signalled != null) {
        decision = signalled.toDecision();
      } else {
        try {
          decision = changeBoard.readDecision(new ReadDecisionRequest(ticket, policy));
          unreachable = null;
        } catch (ActivityFailure failure) {
          // A board outage or an expired token must not fail a release that waits for days: say so,
          // keep waiting until the gate's own timeout.
          String reason = FailureReasons.of(failure);
          if (!reason.equals(unreachable)) {
            progress.log(env.name(), null, "cannot read change " + ticket.number() + ": " + reason
                + "; still waiting (fix the board connection on the worker)");
            unreachable = reason;
          }
          decision = CabDecision.pending(reason);
        }
      }
      if (CabDecision.APPROVED.equals(decision.state())) {
        progress.environment(env.name(), EnvironmentState.PENDING, null);
        passed(env, "cab", "change " + ticket.number() + " approved" + by(decision));
        return;
      }
      if (CabDecision.REJECTED.equals(decision.state())) {
        closeChange(env, false, "rejected by the change board");
        failed(env, "cab", "change " + ticket.number() + " rejected" + by(decision));
      }
      if (gates.overridden(env.name(), "cab")) {
        progress.environment(env.name(), EnvironmentState.PENDING, null);
        overridden(env, "cab", "change " + ticket.number() + " still pending, overridden");
        return;
      }
      long now = Workflow.currentTimeMillis();
      if (now >= deadline) {
        closeChange(env, false, "no decision within " + policy.timeoutHoursOrDefault() + "h");
        failed(env, "cab", "change " + ticket.number() + ": no decision within "
            + policy.timeoutHoursOrDefault() + "h");
      }
      Workflow.await(Duration.ofMillis(Math.min(interval, deadline - now)),
          () -> cabSignals.containsKey(env.name()) || gates.overridden(env.name(), "cab"));
      interval = Math.min(maxInterval, interval * 3 / 2);
    }
  }

  /**
   * The {@code cabDecision} signal, for change boards that call back (webhook boards).
   *
   * @param boundedInput as for {@link #addFreeze}
   */
  String acceptCabDecision(CabDecisionSignal signal, boolean boundedInput) {
    if (signal != null && signal.malformed() != null) {
      return "malformed cabDecision message: " + signal.malformed();
    }
    if (boundedInput && signal != null && signal.outOfBounds() != null) {
      return signal.outOfBounds();
    }
    if (signal == null || signal.environment() == null) {
      return "field 'environment' is missing: send {\"environment\": \"<env>\", \"ticketId\": \"...\","
          + " \"state\": \"APPROVED|REJECTED\", \"decidedBy\": \"...\"}";
    }
    ChangeTicket ticket = tickets.get(signal.environment());
    if (ticket == null) {
      return "no change is open for " + Names.shown(signal.environment());
    }
    EnvironmentPlan env = request.environment(signal.environment()).orElseThrow();
    if (CabPolicy.SERVICENOW.equals(env.cab().type())) {
      return "the decision on " + ticket.number() + " is read from ServiceNow, not taken by signal";
    }
    if (!ticket.id().equals(signal.ticketId()) && !ticket.number().equals(signal.ticketId())) {
      return "field 'ticketId' is " + Names.shown(signal.ticketId()) + ", the open change is " + ticket.id();
    }
    if (!CabDecision.APPROVED.equals(signal.state()) && !CabDecision.REJECTED.equals(signal.state())) {
      return "field 'state' must be APPROVED or REJECTED";
    }
    if (cabSignals.putIfAbsent(signal.environment(), signal) != null) {
      return "the change board of " + signal.environment() + " has already decided";
    }
    return null;
  }

  /** Closes every change still open (the release failed or was cancelled before deploying). */
  void closeOpenChanges(String notes) {
    for (String environment : List.copyOf(tickets.keySet())) {
      request.environment(environment).ifPresent(env -> closeChange(env, false, notes));
    }
  }

  /** Closes the environment's change with the deployment's outcome; safe to call when there is none. */
  void closeChange(EnvironmentPlan env, boolean successful, String notes) {
    ChangeTicket ticket = tickets.remove(env.name());
    if (ticket == null) {
      return;
    }
    Workflow.newDetachedCancellationScope(() -> {
      try {
        changeBoard.closeChange(new CloseChangeRequest(ticket, env.cab(), successful, notes));
        progress.log(env.name(), null, "change " + ticket.number() + " closed: "
            + (successful ? "successful" : "unsuccessful") + " (" + notes + ")");
      } catch (ActivityFailure failure) {
        progress.log(env.name(), null, "could not close change " + ticket.number() + ": "
            + FailureReasons.of(failure) + "; close it by hand");
      }
    }).run();
  }

  // ---- notifications ----

  void notify(EnvironmentPlan env, String title, String text) {
    NotifyPolicy policy = env.notifications();
    if (policy == null) {
      return;
    }
    // Straight to the User Metadata tab, where the Current Details say what to send (ApproverView).
    String link = policy.uiUrlOrDefault() + "/namespaces/" + Workflow.getInfo().getNamespace()
        + "/workflows/" + request.releaseId().replace("/", "%2F") + "/" + Workflow.getInfo().getRunId()
        + "/user-metadata";
    try {
      notifier.send(new Notification(policy.webhookUrl(), title, text,
          "gantry release approve " + request.releaseId() + " --as <you>", link, policy.mention(),
          policy.webhookUrlEnv()));
      progress.log(env.name(), null, "notified: " + title);
    } catch (ActivityFailure failure) {
      progress.log(env.name(), null, "notification failed (" + FailureReasons.of(failure)
          + "); the release goes on");
    }
  }

  // ---- outcomes ----

  private void passed(EnvironmentPlan env, String gate, String detail) {
    progress.gate(env.name(), gate, "passed", detail);
    progress.log(env.name(), null, gate + " gate passed: " + detail);
    recorder.audit("gate", null, env.name(), "passed", gate + ": " + detail);
  }

  private void overridden(EnvironmentPlan env, String gate, String detail) {
    progress.gate(env.name(), gate, "overridden", detail);
    progress.log(env.name(), null, gate + " gate OVERRIDDEN: " + detail);
    recorder.audit("gate", null, env.name(), "overridden", gate + ": " + detail);
  }

  private void failed(EnvironmentPlan env, String gate, String detail) {
    progress.gate(env.name(), gate, "failed", detail);
    recorder.audit("gate", null, env.name(), "failed", gate + ": " + detail);
    throw ApplicationFailure.newNonRetryableFailure(env.name() + ": " + detail, Failures.GATE_FAILED);
  }

  private static String by(CabDecision decision) {
    return (decision.decidedBy() == null ? "" : " by " + decision.decidedBy())
        + (decision.reason() == null ? "" : ": " + decision.reason());
  }
}
