package dev.gantry.workflows.release;

import static dev.gantry.workflows.release.ReleaseMessages.actor;
import static dev.gantry.workflows.release.ReleaseMessages.kept;
import static dev.gantry.workflows.release.ReleaseMessages.summary;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import dev.gantry.workflows.api.approval.FollowUpReview;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.GateOverride;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The approval gate and the messages of the human gates: approvals, rejections and emergency overrides,
 * by signal and by update. {@link GateBook} decides what a message is worth; this class keeps what it said,
 * waits for the quorum, escalates, and reads the approvers directory. Workflow code.
 */
final class Approvals {
  private static final Logger log = Workflow.getLogger(Approvals.class);
  /** An approval gate re-reads the directory if its last read is older than this. */
  private static final Duration DIRECTORY_FRESHNESS = Duration.ofMinutes(1);
  /** Overrides sent before the approvers directory was read wait for it; more than this are refused. */
  static final int EARLY_OVERRIDES = 10;

  private final ApproverDirectoryActivities directory =
      Workflow.newActivityStub(ApproverDirectoryActivities.class, ActivityOptionsCatalogue.DIRECTORY);
  private final ReleaseRun run;
  private final GateBook book;
  private final Notifier notifier;
  /** Workflow time of the last directory read; null before the first. */
  private Long directoryReadAt;
  private final List<OverrideSignal> earlyOverrides = new ArrayList<>();
  private final Map<String, String> waits = new LinkedHashMap<>();
  /** The open approval gates and when each times out: the UI's current details show them. */
  private final Map<String, Long> deadlines = new LinkedHashMap<>();

  Approvals(ReleaseRun run, GateBook book, Notifier notifier) {
    this.run = run;
    this.book = book;
    this.notifier = notifier;
  }

  // ---- the approvers directory ----

  /** Reads who may approve (and override), then decides the overrides that waited for it. */
  void readDirectory() {
    if (run.plan().approversDirectory() != null) {
      book.directory(directory.load(new DirectoryRequest(run.plan().releaseId(), run.plan().approversDirectory())));
    }
    directoryReadAt = Workflow.currentTimeMillis();
    for (OverrideSignal early : earlyOverrides) {
      recordOverride(early, book.override(early, run.boundedInput(), Workflow.currentTimeMillis()));
    }
    earlyOverrides.clear();
  }

  /** A signed release reads the directory first: the request's key must be in it. */
  void readDirectoryForRequest() {
    if (run.plan().approversDirectory() != null) {
      book.directory(directory.load(new DirectoryRequest(run.plan().releaseId(), run.plan().approversDirectory())));
      directoryReadAt = Workflow.currentTimeMillis();
    }
  }

  // ---- the approval gate ----

  /** Waits for the quorum of the environment; fails on a rejection or at the gate's timeout. */
  void await(EnvironmentPlan env) {
    if (Workflow.currentTimeMillis() - directoryReadAt > DIRECTORY_FRESHNESS.toMillis()) {
      readDirectory(); // a window or a board held the release: read who may approve now
    }
    ReleaseRequest request = run.plan();
    ReleaseProgress progress = run.progress();
    ApprovalPolicy policy = env.approval();
    int needed = policy.minApprovalsOrDefault();
    String waitingFor = needed + " approval(s) from " + policy.whoMayApprove() + ": signal 'approve' with"
        + " {\"approver\": \"<name>\", \"digest\": \"" + request.artifact().digest()
        + "\", \"comment\": \"...\"" + (book.actors().signed() ? ", \"token\": \"<token>\"}; make the token with `"
            + book.actors().tokenCommand(ActorTokens.APPROVE, env.name(), "<name>")
            + "` (or approve with `gantry release approve`, which signs with your profile's key)" : "}");
    book.open(env.name());
    waits.put(env.name(), waitingFor);
    deadlines.put(env.name(), Workflow.currentTimeMillis() + policy.timeoutHoursOrDefault() * 3_600_000L);
    progress.environment(env.name(), EnvironmentState.AWAITING_APPROVAL, waitingFor);
    progress.stage(ReleaseState.AWAITING_APPROVAL, "approval:" + env.name());
    progress.log(env.name(), null, "waiting for " + waitingFor);
    run.audit("gate", null, env.name(), "waiting", "approval: " + needed + " from " + policy.whoMayApprove());
    run.publish(env.name());
    notifier.notify(env, request.application() + " " + request.version() + " waits for approval in "
        + env.name(), "Needs " + needed + " approval(s) from " + policy.whoMayApprove() + ". Artifact "
        + request.artifact().digest() + ", requested by " + request.requestedBy() + ".");

    long opened = Workflow.currentTimeMillis();
    long deadline = opened + policy.timeoutHoursOrDefault() * 3_600_000L;
    Long escalateAt = policy.escalateAfterHours() == null ? null
        : opened + policy.escalateAfterHours() * 3_600_000L;
    while (true) {
      long now = Workflow.currentTimeMillis();
      if (book.rejection(env.name()).isPresent()) {
        progress.gate(env.name(), "approval", "failed", book.rejection(env.name()).get());
        throw ApplicationFailure.newNonRetryableFailure(
            env.name() + ": " + book.rejection(env.name()).get(), Failures.REJECTED);
      }
      if (book.satisfied(env, now)) {
        break;
      }
      if (now >= deadline) {
        String reason = env.name() + ": approval gate timed out after " + policy.timeoutHoursOrDefault()
            + "h with " + book.validApprovers(env.name(), now).size() + " of " + needed + " approval(s)";
        progress.gate(env.name(), "approval", "failed", reason);
        throw ApplicationFailure.newNonRetryableFailure(reason, Failures.APPROVAL_TIMED_OUT);
      }
      if (escalateAt != null && now >= escalateAt) {
        escalate(env);
        escalateAt = null;
      }
      long wakeAt = deadline;
      if (escalateAt != null) {
        wakeAt = Math.min(wakeAt, escalateAt);
      }
      Long expiry = book.nextExpiry(env, now);
      if (expiry != null) {
        wakeAt = Math.min(wakeAt, expiry);
      }
      Workflow.await(Duration.ofMillis(Math.max(1, wakeAt - now)),
          () -> book.rejection(env.name()).isPresent()
              || book.satisfied(env, Workflow.currentTimeMillis()));
    }
    book.pass(env.name());
    waits.remove(env.name());
    deadlines.remove(env.name());
    run.status().metrics().tagged(Map.of("environment", env.name()))
        .timer("gantry_approval_gate_wait")
        .record(com.uber.m3.util.Duration.ofMillis(Workflow.currentTimeMillis() - opened));
    String approvers = String.join(", ", book.validApprovers(env.name(), Workflow.currentTimeMillis()));
    progress.environment(env.name(), EnvironmentState.PENDING, null);
    progress.gate(env.name(), "approval", "passed", "approved by " + approvers);
    progress.log(env.name(), null, "approved by " + approvers);
    run.audit("gate", null, env.name(), "passed", "approval: approved by " + approvers);
  }

  private void escalate(EnvironmentPlan env) {
    String group = env.approval().escalationGroup();
    String message = env.name() + " has waited " + env.approval().escalateAfterHours() + "h for approval"
        + (group == null ? "" : ": escalated to " + group);
    run.progress().log(env.name(), null, message);
    run.audit("escalation", null, env.name(), "escalated", message);
    notifier.notify(env, "ESCALATION: " + run.plan().application() + " " + run.plan().version()
        + " still waits for approval in " + env.name(), message);
  }

  /** The open approval gate the UI's current details show, or null. */
  ApproverView.OpenGate openGate() {
    ApproverView.OpenGate gate = null;
    for (Map.Entry<String, Long> open : deadlines.entrySet()) {
      EnvironmentPlan env = run.plan().environment(open.getKey()).orElse(null);
      if (env != null) {
        gate = new ApproverView.OpenGate(env.name(), env.approval(), open.getValue(),
            book.validApprovers(env.name(), Workflow.currentTimeMillis()));
      }
    }
    return gate;
  }

  // ---- messages: signals decide and record; updates also answer; validators only check ----

  void approve(ApprovalSignal signal) {
    recordApproval(signal, book.approve(signal, Workflow.currentTimeMillis(), run.boundedInput()));
  }

  void reject(RejectionSignal signal) {
    recordRejection(signal, book.reject(signal, Workflow.currentTimeMillis(), run.boundedInput()));
  }

  void override(OverrideSignal signal) {
    boolean bounded = run.boundedInput();
    if (directoryReadAt == null && run.plan().approversDirectory() != null && waitsForDirectory(signal)) {
      // Sent with the start: decide once the directory says who is an emergency approver.
      if (!bounded || earlyOverrides.size() < EARLY_OVERRIDES) {
        earlyOverrides.add(signal);
        return;
      }
      recordOverride(signal, new GateBook.Decision(null, EARLY_OVERRIDES + " overrides already wait for the"
          + " approvers directory to be read: send this one again once the release has started"));
      return;
    }
    recordOverride(signal, book.override(signal, bounded, Workflow.currentTimeMillis()));
  }

  /** An early override the directory could decide; a broken one is refused at once instead. */
  private boolean waitsForDirectory(OverrideSignal signal) {
    return !run.boundedInput() || (signal != null && signal.malformed() == null && signal.outOfBounds() == null);
  }

  GateDecision submitApproval(ApprovalSignal signal) {
    GateBook.Decision decision = book.approve(signal, Workflow.currentTimeMillis(), run.boundedInput());
    recordApproval(signal, decision);
    if (!decision.accepted()) {
      return new GateDecision(false, decision.environment(), decision.refusal());
    }
    EnvironmentPlan env = run.plan().environment(decision.environment()).orElseThrow();
    int counted = book.counted(env.name(), Workflow.currentTimeMillis());
    return new GateDecision(true, env.name(),
        counted + " of " + env.approval().minApprovalsOrDefault() + " approval(s)");
  }

  GateDecision submitRejection(RejectionSignal signal) {
    GateBook.Decision decision = book.reject(signal, Workflow.currentTimeMillis(), run.boundedInput());
    recordRejection(signal, decision);
    return new GateDecision(decision.accepted(), decision.environment(),
        decision.accepted() ? "the release stops: " + book.rejection(decision.environment()).orElse("")
            : decision.refusal());
  }

  GateDecision submitOverride(OverrideSignal signal) {
    GateBook.Decision decision = book.override(signal, run.boundedInput(), Workflow.currentTimeMillis());
    recordOverride(signal, decision);
    return new GateDecision(decision.accepted(), decision.environment(), decision.accepted()
        ? "the " + signal.gate().trim() + " gate of " + decision.environment() + " will be skipped"
        : decision.refusal());
  }

  void validateApproval(ApprovalSignal signal) {
    ReleaseMessages.refuseIfNot(book.checkApproval(signal, Workflow.currentTimeMillis()));
  }

  void validateRejection(RejectionSignal signal) {
    ReleaseMessages.refuseIfNot(book.checkRejection(signal, Workflow.currentTimeMillis()));
  }

  void validateOverride(OverrideSignal signal) {
    ReleaseMessages.refuseIfNot(book.checkOverride(signal, Workflow.currentTimeMillis()));
  }

  // ---- what a message said, as it is kept (see ReleaseMessages) ----

  private void recordApproval(ApprovalSignal signal, GateBook.Decision decision) {
    ReleaseProgress progress = run.progress();
    run.status().metrics().counter(decision.accepted() ? "gantry_approvals_accepted" : "gantry_approvals_refused")
        .inc(1);
    String approver = signal == null ? null : actor(signal.approver());
    String comment = signal == null ? null
        : decision.accepted() ? MessageLimits.cut(signal.comment(), MessageLimits.TEXT) : summary(signal.comment());
    progress.approval(new Approval(decision.environment(), approver, comment, ReleaseProgress.now(),
        decision.accepted(), decision.refusal()));
    if (decision.accepted()) {
      String waitingFor = waits.get(decision.environment());
      if (waitingFor != null) {
        Set<String> counted = book.validApprovers(decision.environment(), Workflow.currentTimeMillis());
        progress.environment(decision.environment(), EnvironmentState.AWAITING_APPROVAL, waitingFor + " ("
            + counted.size() + " so far: " + String.join(", ", counted) + ")");
      }
      String signedBy = decision.verdict() == null ? "" : " (signed, key " + decision.verdict().keyThumbprint() + ")";
      progress.log(decision.environment(), null, "approval by " + approver + " accepted"
          + (comment == null || comment.isBlank() ? "" : ": " + comment) + signedBy);
      run.audit("approval", approver, decision.environment(), "accepted",
          decision.verdict() == null ? comment : (comment == null ? "" : comment) + signedBy);
    } else {
      progress.refused(decision.environment(), "approval refused: " + decision.refusal());
      run.audit("approval", approver, decision.environment(), "refused", decision.refusal());
      log.warn("approval refused release={} approver={} reason={}",
          run.plan().releaseId(), approver, decision.refusal());
    }
    run.status().details();
  }

  private void recordRejection(RejectionSignal signal, GateBook.Decision decision) {
    String approver = signal == null ? null : actor(signal.approver());
    if (decision.accepted()) {
      String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
      run.progress().log(decision.environment(), null, "rejected by " + approver + ": " + reason);
      run.audit("rejection", approver, decision.environment(), "accepted", reason);
    } else {
      run.progress().refused(decision.environment(), "rejection refused: " + decision.refusal());
      run.audit("rejection", approver, decision.environment(), "refused", decision.refusal());
    }
  }

  private void recordOverride(OverrideSignal signal, GateBook.Decision decision) {
    if (!decision.accepted()) {
      recordRefusedOverride(signal, decision);
      return;
    }
    ReleaseRequest request = run.plan();
    String approver = actor(signal.approver());
    String gate = signal.gate().trim();
    String justification = MessageLimits.cut(signal.justification(), MessageLimits.TEXT);
    String incident = MessageLimits.cut(signal.incident(), MessageLimits.REFERENCE);
    run.progress().override(new GateOverride(decision.environment(), gate, approver, justification, incident,
        ReleaseProgress.now(), true, null));
    run.progress().log(decision.environment(), null, "EMERGENCY OVERRIDE of the " + gate + " gate by "
        + approver + " (" + incident + "): " + justification);
    run.audit("override", approver, decision.environment(), "accepted",
        gate + " gate, incident " + incident + ": " + justification);
    run.trail().followUp(new FollowUpReview(request.releaseId(), decision.environment(), gate, approver,
        justification, incident, request.artifact().digest(), ReleaseProgress.now()));
  }

  private void recordRefusedOverride(OverrideSignal signal, GateBook.Decision decision) {
    String approver = signal == null ? null : actor(signal.approver());
    run.progress().override(new GateOverride(decision.environment(),
        signal == null ? null : kept(signal.gate(), MessageLimits.Shape.REFERENCE), approver,
        signal == null ? null : summary(signal.justification()),
        signal == null ? null : kept(signal.incident(), MessageLimits.Shape.REFERENCE),
        ReleaseProgress.now(), false, decision.refusal()));
    run.progress().refused(decision.environment(), "override refused: " + decision.refusal());
    run.audit("override", approver, decision.environment(), "refused", decision.refusal());
  }
}
