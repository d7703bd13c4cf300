package dev.gantry.workflows.release;

import dev.gantry.workflows.support.AuditEventIds;
import dev.gantry.workflows.support.VersionMarkers;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.api.Approval;
import dev.gantry.workflows.api.ApprovalPolicy;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.ApproverDirectoryActivities;
import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditHead;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.DirectoryRequest;
import dev.gantry.workflows.api.FollowUpReview;
import dev.gantry.workflows.api.GateDecision;
import dev.gantry.workflows.api.GateOverride;
import dev.gantry.workflows.api.MessageLimits;
import dev.gantry.workflows.api.Names;
import dev.gantry.workflows.api.OverrideSignal;
import dev.gantry.workflows.api.PauseSignal;
import dev.gantry.workflows.api.RejectionSignal;
import dev.gantry.workflows.api.DeploymentActivities;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.EnvironmentState;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.Names;
import dev.gantry.workflows.api.PolicyActivities;
import dev.gantry.workflows.api.RecordDeploymentRequest;
import dev.gantry.workflows.api.RegionDeploymentRequest;
import dev.gantry.workflows.api.RegionDeploymentResult;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.ReleaseIds;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.RollbackRequest;
import dev.gantry.workflows.api.RollbackResult;
import dev.gantry.workflows.api.SearchAttributes;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.window.FreezeSignal;
import dev.gantry.workflows.region.RegionDeploymentWorkflow;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.api.signing.SignRequest;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import dev.gantry.workflows.signing.SignatureGate;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Saga;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

public class ReleaseWorkflowImpl implements ReleaseWorkflow {
  private static final Logger log = Workflow.getLogger(ReleaseWorkflowImpl.class);
  /** Releases started before this change neither sign nor verify: their histories must replay. */
  /**
   * From this change on, the plan comes from the worker's policy; histories recorded before it took their
   * plan from the input, and replay that way.
   */
  /**
   * Workflow.getVersion id of the trusted signing time: the sign activity gets the workflow's time
   * ({@code Workflow.currentTimeMillis()}) and signs it into the provenance, instead of the worker's clock.
   * Asked only by releases that sign, right before the sign activity.
   */
  /** Messages that arrive before the plan is resolved wait for it; past this many they are refused. */
  static final int MAX_EARLY_MESSAGES = 50;

  private final DeploymentActivities records =
      Workflow.newActivityStub(DeploymentActivities.class, ActivityOptionsCatalogue.RECORD);
  private final DeploymentActivities rollbacks =
      Workflow.newActivityStub(DeploymentActivities.class, ActivityOptionsCatalogue.ROLLBACK);

  /**
   * Workflow.getVersion id of the feature flag stages (required flags before the deploy, ramps after it).
   * Asked only for environments with a {@code flags} section, so releases without flags record nothing new.
   */

  /** Workflow.getVersion id of the maxParallelRegions limit within a wave. */

  /** An approval gate re-reads the directory if its last read is older than this. */
  private static final Duration DIRECTORY_FRESHNESS = Duration.ofMinutes(1);

  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
  private final ApproverDirectoryActivities directory =
      Workflow.newActivityStub(ApproverDirectoryActivities.class, ActivityOptionsCatalogue.DIRECTORY);

  private final PolicyActivities policy = Workflow.newActivityStub(PolicyActivities.class, ActivityOptionsCatalogue.POLICY);

  /** What the client sent: hostile until policy has resolved it. */
  private final ReleaseRequest input;
  /** The plan the release runs; until it is resolved, a skeleton with no environments. */
  private ReleaseRequest request;
  private boolean planned;
  private final List<Runnable> earlyMessages = new ArrayList<>();
  private final ReleaseProgress progress;
  private GateBook gates;
  private EnvironmentGates environmentGates;
  /** Audit events wait here for the audit pump, so handlers never block on I/O and order is kept. */
  private final List<AuditEvent> pendingAudit = new ArrayList<>();
  private final List<FollowUpReview> pendingFollowUps = new ArrayList<>();
  private boolean auditInFlight;
  /** Workflow time of the last directory read; null before the first. */
  private Long directoryReadAt;
  private boolean paused;
  /** The release's path, cancelled by an accepted abort message; null until it starts. */
  private io.temporal.workflow.CancellationScope mainScope;
  /** Who aborted and why, once an abort message was accepted. */
  private String abortedBy;
  private final List<OverrideSignal> earlyOverrides = new ArrayList<>();
  /** Overrides sent before the approvers directory was read wait for it; more than this are refused. */
  static final int EARLY_OVERRIDES = 10;

  /**
   * Workflow.getVersion id of the bounds on what clients send ({@link MessageLimits}, the caps on freezes
   * and early overrides): a release started before them decides on replay as it did, bounds off.
   */

  /** One release per application and environment at a time (releases started before: no lock). */
  private boolean environmentLocks;
  private EnvironmentLocks locks;

  /** An abort's reason and who sent it are written into the trail (releases cancelled before: "cancelled"). */

  private static boolean isCancellation(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof io.temporal.failure.CanceledFailure) {
        return true;
      }
    }
    return false;
  }
  /**
   * Asked once, as the release is created, before any message is handled: a later first ask (in a signal
   * handler) would put the marker after messages an older worker had already decided without it.
   */
  private final boolean boundedInput =
      Workflow.getVersion(VersionMarkers.BOUNDED_INPUT, Workflow.DEFAULT_VERSION, 1) >= 1;
  /**
   * Workflow.getVersion id of signed actors ({@link SignedActors}): JWS tokens on every message of a signed
   * release, identities compared as keys, one-time ids. Asked once as the release is created, like
   * {@link #BOUNDED_INPUT}: releases started before it replay with the old approval tokens and typed names.
   */
  private final boolean signedActors =
      Workflow.getVersion(VersionMarkers.SIGNED_ACTORS, Workflow.DEFAULT_VERSION, 1) >= 1;
  private final java.util.Set<String> unchangedRegions = new java.util.HashSet<>();
  /** Regions a wave cancelled (fail fast, an abort), with why: their rollback says so. */
  private final Map<String, String> cancelledRegions = new LinkedHashMap<>();
  private final Map<String, String> approvalWaits = new LinkedHashMap<>();
  /** The open approval gates and when each times out: the UI's current details show them. */
  private final Map<String, Long> approvalDeadlines = new LinkedHashMap<>();
  private int auditSequence;
  /** The audit trail's head after this release's latest record (Audit.append's result; null in old histories). */
  private AuditHead auditHead;
  private SignatureGate signatures;
  private EnvironmentSteps environmentSteps;

  @WorkflowInit
  public ReleaseWorkflowImpl(ReleaseRequest request) {
    this.input = request;
    this.request = PlanSkeleton.of(request);
    this.progress = new ReleaseProgress(this.request);
    adopt(this.request);
  }

  /** Builds the gates and steps of a plan. */
  private void adopt(ReleaseRequest plan) {
    this.request = plan;
    this.gates = new GateBook(plan, signedActors);
    EnvironmentGates.Recorder recorder = new EnvironmentGates.Recorder() {
      @Override
      public void audit(String kind, String actor, String environment, String outcome, String detail) {
        ReleaseWorkflowImpl.this.audit(kind, actor, environment, outcome, detail);
      }

      @Override
      public void publish(String environment) {
        ReleaseWorkflowImpl.this.publish(environment);
      }
    };
    this.environmentGates = new EnvironmentGates(plan, progress, gates, recorder);
    this.environmentSteps = new EnvironmentSteps(plan, progress, recorder);
    this.locks = new EnvironmentLocks(progress, recorder);
  }

  @Override
  public ReleaseStatus run(ReleaseRequest ignored) {
    // The audit pump lives outside the release's cancellation scope: a cancelled release must still
    // write why it ended.
    Workflow.newDetachedCancellationScope(() -> Async.procedure(this::pumpAudit)).run();
    resolvePlan();
    progress.log(null, null, "release of " + request.application() + " " + request.version()
        + " (" + request.artifact().digest() + ") started by " + request.requestedBy());
    audit("release", request.requestedBy(), null, "started", request.specSource()
        + (request.policy() == null ? "" : "; policy " + request.policy().digest()
            + (request.policy().commit() == null ? "" : " commit " + request.policy().commit())));
    if (request.notes() != null && !request.notes().isBlank()) {
      progress.log(null, null, "notes: " + Names.oneLine(request.notes(), ReleaseRequest.MAX_NOTES));
    }
    if (request.policy() != null) {
      progress.log(null, null, "plan resolved from the platform policy " + request.policy().summary() + ": "
          + String.join(" -> ", request.environments().stream().map(EnvironmentPlan::name).toList()));
    }
    metrics().counter("gantry_releases_started").inc(1);
    try {
      // the path runs in its own scope so that an accepted abort message can cancel it (no commands)
      mainScope = Workflow.newCancellationScope(this::runPath);
      if (abortedBy != null) {
        mainScope.cancel(abortedBy);
      }
      mainScope.run();
    } catch (TemporalFailure failure) {
      // Region failures, an activity out of retries, a timed-out or rejected gate, a cancelled release:
      // the status, the search attributes and the audit trail must say the release ended, and why,
      // and a change board waiting on this release hears that it will not happen.
      String reason = abortedBy != null ? abortedBy : FailureReasons.of(failure);
      // cancelled mid-deploy, the failure is the region's ("cancelled, rolled back"); the abort is why
      if (abortedBy == null && (isCancellation(failure) || CancellationScope.current().isCancelRequested())
          && Workflow.getVersion(VersionMarkers.ABORT_IN_TRAIL, Workflow.DEFAULT_VERSION, 1) >= 1) {
        // `abort --reason` and who sent it: in the trail and the release's failure, not only in Temporal's history
        String cancelled = CancellationScope.current().getCancellationReason();
        reason = Aborts.failure(cancelled);
        audit("release", Aborts.actor(cancelled), null, "aborted", Aborts.why(cancelled));
      }
      if (environmentLocks) {
        locks.leaveAll("release failed: " + reason);
      }
      environmentGates.closeOpenChanges("release failed before the deployment: " + reason);
      fail(reason);
      metrics().counter("gantry_releases_failed").inc(1);
      flushAudit();
      if (abortedBy != null) {
        throw ApplicationFailure.newNonRetryableFailure(abortedBy, Failures.ABORTED);
      }
      throw failure;
    }
    progress.finish(ReleaseState.SUCCEEDED, null);
    progress.log(null, null, "release succeeded: " + request.version() + " runs in "
        + String.join(", ", request.environments().stream().map(EnvironmentPlan::name).toList()));
    audit("release", null, null, "succeeded", null);
    metrics().counter("gantry_releases_succeeded").inc(1);
    publish(null);
    flushAudit();
    return progress.snapshot().withAuditHead(auditHead);
  }

  /** The release's path: sign, then each environment's gates, deploy and record. */
  private void runPath() {
    if (Workflow.getVersion(VersionMarkers.SIGNATURE_GATES, Workflow.DEFAULT_VERSION, 1) >= 1) {
      signatures = new SignatureGate();
      signArtifact();
    }
    gates.at(request.environments().get(0).name());
    environmentLocks = Workflow.getVersion(VersionMarkers.ENVIRONMENT_LOCK, Workflow.DEFAULT_VERSION, 1) >= 1;
    for (EnvironmentPlan env : request.environments()) {
      holdWhilePaused(env.name());
      gates.at(env.name());
      progress.at(env.name());
      verifySignatures(env);
      loadDirectory();
      environmentGates.quality(env);
      environmentGates.changeBoard(env);
      environmentGates.window(env, false);
      if (env.needsApproval()) {
        awaitApproval(env);
        // Approvals can take longer than the window stays open: look again before touching anything.
        environmentGates.window(env, true);
      }
      boolean flagStages = env.flags() != null
          && Workflow.getVersion(VersionMarkers.FEATURE_FLAGS, Workflow.DEFAULT_VERSION, 1) >= 1;
      if (flagStages) {
        environmentGates.requiredFlags(env);
      }
      if (environmentLocks) {
        enterAlone(env);
      }
      environmentSteps.beforeDeploy(env);
      deploy(env);
      recordDeployment(env);
      if (flagStages) {
        environmentGates.startFlagRamps(env);
      }
      if (environmentLocks) {
        locks.leave(env.name(), "deployed");
      }
    }
  }

  /**
   * Only the changing part is exclusive: releases of one application pass their gates side by side, and one
   * at a time changes the environment. A release that had to wait looks at the window again, as after
   * approvals.
   */
  private void enterAlone(EnvironmentPlan env) {
    if (locks.acquire(request.application(), request.releaseId(), env)) {
      environmentGates.window(env, true);
    }
  }

  /**
   * The plan comes from the worker's policy, never from the input: a request only says what to release.
   * A request policy refuses ends the release at once, with the reason, before anything else runs.
   */
  private void resolvePlan() {
    if (Workflow.getVersion(VersionMarkers.PLAN_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      adopt(input); // recorded before policy existed: the input was the plan
      progress.plan(input);
    } else {
      progress.stage(ReleaseState.RUNNING, "resolving-plan");
      ReleaseRequest plan;
      try {
        plan = policy.resolvePlan(input);
      } catch (TemporalFailure failure) {
        boolean refused = failure.getCause() instanceof ApplicationFailure application
            && Failures.POLICY_REFUSED.equals(application.getType());
        refuse(refused ? "refused: " : "the plan could not be resolved (nothing ran; start the release again once"
            + " the worker is fixed): ", FailureReasons.of(failure));
        return;
      }
      String workflowId = Workflow.getInfo().getWorkflowId();
      if (!plan.releaseId().equals(workflowId)) {
        refuse("refused: ", "the workflow id " + Names.shown(workflowId) + " is not this release's id "
            + plan.releaseId() + ": start it with `gantry release start` or under that id");
      }
      adopt(plan);
      progress.plan(plan);
      if (gates.actors().signed()) {
        verifyRequest();
      }
    }
    planned = true;
    List<Runnable> early = List.copyOf(earlyMessages);
    earlyMessages.clear();
    early.forEach(Runnable::run);
  }

  /**
   * A signed release starts only on a request signed by the requester's key from the policy's directory:
   * the requester is a key from then on, and that key may not approve or override this release.
   */
  private void verifyRequest() {
    if (request.approversDirectory() != null) {
      gates.directory(directory.load(new DirectoryRequest(request.releaseId(), request.approversDirectory())));
      directoryReadAt = Workflow.currentTimeMillis();
    }
    String refusal = gates.actors().acceptRequest(input.requestToken(), gates.directory(),
        Workflow.currentTimeMillis());
    if (refusal != null) {
      refuse("refused: ", refusal + " (sign the request with `gantry release start` and your profile's"
          + " signingKey, or --signing-key)");
    }
    progress.log(null, null, "request signed by " + request.requestedBy() + " (key "
        + gates.actors().requesterKey() + ")");
  }

  /**
   * In a signed release, the token of a message that is not an approval, rejection or override (those are
   * checked by the gate book): null when it is good (and it is then spent), else the refusal.
   */
  private String signedMessageProblem(String token, String sender, String action, String environment,
      String detail, boolean requesterMayNot) {
    SignedActors actors = gates.actors();
    if (!actors.signed()) {
      return null;
    }
    var verdict = actors.check(token, sender, action, environment, detail, gates.directory(),
        Workflow.currentTimeMillis());
    String refusal = verdict.good()
        ? (requesterMayNot ? actors.sameKeyAsRequester(verdict, sender, "decide for") : null)
        : verdict.problem();
    if (refusal == null) {
      actors.remember(verdict, Workflow.currentTimeMillis());
    }
    return refusal;
  }

  private void refuse(String prefix, String reason) {
    progress.finish(ReleaseState.FAILED, prefix + reason);
    progress.log(null, null, "release " + prefix + reason);
    audit("release", Names.isPerson(request.requestedBy()) ? request.requestedBy() : null, null, "refused", reason);
    log.warn("release refused release={} reason={}", Workflow.getInfo().getWorkflowId(), reason);
    publish(null);
    if (!earlyMessages.isEmpty()) {
      progress.log(null, null, earlyMessages.size() + " message(s) sent before the refusal were not applied");
      earlyMessages.clear();
    }
    metrics().counter("gantry_releases_refused").inc(1);
    flushAudit();
    throw ApplicationFailure.newNonRetryableFailure(prefix + reason, Failures.POLICY_REFUSED);
  }

  /**
   * A signal that arrives before the plan is resolved (sent with the start, say) waits for the plan;
   * returns true when it was put aside.
   */
  private boolean deferred(String kind, String outOfBounds, Runnable handler) {
    // a message already out of bounds is refused at once, by a short summary: nothing hostile is held
    // in memory while the plan is resolved
    if (planned) {
      return false;
    }
    if (outOfBounds != null && boundedInput) {
      progress.refused(null, kind + " refused: " + MessageLimits.cut(outOfBounds, MessageLimits.TEXT));
      return true;
    }
    if (earlyMessages.size() < MAX_EARLY_MESSAGES) {
      earlyMessages.add(handler);
    } else {
      progress.refused(null, kind + " refused: more than " + MAX_EARLY_MESSAGES
          + " messages arrived before the release's plan was resolved");
    }
    return true;
  }

  /** Update validators cannot wait: before the plan exists they refuse, and the caller tries again. */
  private void refuseBeforePlan() {
    if (!planned) {
      throw new IllegalArgumentException("the release is still resolving its plan from the worker's policy:"
          + " try again in a few seconds");
    }
  }

  @Override
  public void approve(ApprovalSignal signal) {
    if (deferred("approval", signal == null ? null : signal.outOfBounds(), () -> approve(signal))) {
      return;
    }
    recordApproval(signal, gates.approve(signal, Workflow.currentTimeMillis(), boundedInput));
  }

  @Override
  public void reject(RejectionSignal signal) {
    if (deferred("rejection", signal == null ? null : signal.outOfBounds(), () -> reject(signal))) {
      return;
    }
    recordRejection(signal, gates.reject(signal, Workflow.currentTimeMillis(), boundedInput));
  }

  @Override
  public void override(OverrideSignal signal) {
    if (deferred("override", signal == null ? null : signal.outOfBounds(), () -> override(signal))) {
      return;
    }
    if (directoryReadAt == null && request.approversDirectory() != null && waitsForDirectory(signal)) {
      // Sent with the start: decide once the directory says who is an emergency approver.
      if (!boundedInput || earlyOverrides.size() < EARLY_OVERRIDES) {
        earlyOverrides.add(signal);
        return;
      }
      recordOverride(signal, new GateBook.Decision(null, EARLY_OVERRIDES + " overrides already wait for the"
          + " approvers directory to be read: send this one again once the release has started"));
      return;
    }
    recordOverride(signal, gates.override(signal, boundedInput, Workflow.currentTimeMillis()));
  }

  /** An early override the directory could decide; a broken one is refused at once instead. */
  private boolean waitsForDirectory(OverrideSignal signal) {
    return !boundedInput || (signal != null && signal.malformed() == null && signal.outOfBounds() == null);
  }

  /** Null if the pause or resume can be acted on, else why not. */
  private String pauseProblem(PauseSignal signal, String what) {
    if (signal == null) {
      return "empty " + what + " message";
    }
    if (signal.problem() != null) {
      return signal.problem();
    }
    return boundedInput ? signal.outOfBounds() : null;
  }

  @Override
  public void pause(PauseSignal signal) {
    if (deferred("pause", signal == null ? null : signal.outOfBounds(), () -> pause(signal))) {
      return;
    }
    String problem = pauseProblem(signal, "pause");
    if (problem == null) {
      problem = signedMessageProblem(signal.token(), signal.by(), dev.gantry.workflows.api.ActorTokens.PAUSE,
          null, null, false);
    }
    if (problem != null) {
      progress.refused(null, "pause refused: " + problem);
      audit("pause", actor(signal == null ? null : signal.by()), null, "refused", problem);
      return;
    }
    if (!paused) {
      paused = true;
      String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
      progress.log(null, null, "PAUSED by " + actor(signal.by()) + ": " + reason
          + " (what runs finishes; nothing new starts until resumed)");
      audit("pause", actor(signal.by()), null, "accepted", reason);
    }
  }

  @Override
  public void resume(PauseSignal signal) {
    if (deferred("resume", signal == null ? null : signal.outOfBounds(), () -> resume(signal))) {
      return;
    }
    String problem = pauseProblem(signal, "resume");
    if (problem == null) {
      problem = signedMessageProblem(signal.token(), signal.by(), dev.gantry.workflows.api.ActorTokens.RESUME,
          null, null, false);
    }
    if (problem != null) {
      progress.refused(null, "resume refused: " + problem);
      audit("resume", actor(signal == null ? null : signal.by()), null, "refused", problem);
      return;
    }
    if (paused) {
      paused = false;
      String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
      progress.log(null, null, "resumed by " + actor(signal.by()) + ": " + reason);
      audit("resume", actor(signal.by()), null, "accepted", reason);
    }
  }

  @Override
  public void abort(PauseSignal signal) {
    if (!signedActors) {
      return; // releases from before the abort message never had it: replay them as they ran
    }
    if (deferred("abort", signal == null ? null : signal.outOfBounds(), () -> abort(signal))) {
      return;
    }
    String problem = pauseProblem(signal, "abort");
    if (problem == null) {
      problem = signedMessageProblem(signal.token(), signal.by(), dev.gantry.workflows.api.ActorTokens.ABORT,
          null, null, false);
    }
    if (problem != null) {
      progress.refused(null, "abort refused: " + problem);
      audit("abort", actor(signal == null ? null : signal.by()), null, "refused", problem);
      return;
    }
    if (abortedBy != null || progress.state().isFinal()) {
      return;
    }
    String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
    abortedBy = "aborted by " + actor(signal.by()) + ": " + reason;
    progress.log(null, null, "ABORTED by " + actor(signal.by()) + ": " + reason
        + " (what runs is stopped; a region being deployed is undone)");
    audit("abort", actor(signal.by()), null, "accepted", reason);
    if (mainScope != null) {
      mainScope.cancel(abortedBy);
    }
  }

  /** A paused release holds here, between steps, durably; the stage shows it. */
  private void holdWhilePaused(String environment) {
    if (!paused) {
      return;
    }
    ReleaseState before = progress.state();
    String stage = progress.stage();
    progress.stage(ReleaseState.WAITING, "paused");
    publish(environment);
    Workflow.await(() -> !paused);
    progress.stage(before, stage);
    publish(environment);
  }

  @Override
  public void freeze(FreezeSignal signal) {
    if (deferred("freeze", signal == null ? null : signal.outOfBounds(), () -> freeze(signal))) {
      return;
    }
    String refusal = freezeSignatureProblem(signal);
    if (refusal == null) {
      refusal = environmentGates.addFreeze(signal, boundedInput);
    }
    refusal = MessageLimits.cut(refusal, GateBook.REFUSAL_CHARS);
    String environment = signal == null ? null : knownEnvironment(signal.environment());
    String by = signal == null ? null : actor(signal.by());
    if (refusal == null) {
      progress.log(environment, null, "freeze added: " + signal.from() + " to " + signal.to() + " ("
          + signal.toFreeze().reason() + ")");
      audit("freeze", by, environment, "accepted", signal.from() + " to " + signal.to() + ": "
          + signal.toFreeze().reason());
    } else {
      progress.refused(environment, "freeze refused: " + refusal);
      audit("freeze", by, environment, "refused", refusal);
    }
  }

  /** A freeze in a signed release: well formed first (the freeze's own checks), then signed by its sender. */
  private String freezeSignatureProblem(FreezeSignal signal) {
    if (!gates.actors().signed() || signal == null || signal.malformed() != null || signal.outOfBounds() != null) {
      return null;
    }
    if (signal.by() == null || signal.by().isBlank()) {
      return "field 'by' is missing: a signed freeze names who adds it";
    }
    return signedMessageProblem(signal.token(), signal.by(), dev.gantry.workflows.api.ActorTokens.FREEZE,
        signal.environment(), signal.tokenDetail(), false);
  }

  /** A change board's decision in a signed release: signed by the board's (or member's) registered key. */
  private String cabSignatureProblem(CabDecisionSignal signal) {
    if (!gates.actors().signed() || signal == null || signal.malformed() != null || signal.outOfBounds() != null) {
      return null;
    }
    if (signal.decidedBy() == null || signal.decidedBy().isBlank()) {
      return "field 'decidedBy' is missing: a signed decision names who decided";
    }
    return signedMessageProblem(signal.token(), signal.decidedBy(),
        dev.gantry.workflows.api.ActorTokens.CAB_DECISION, signal.environment(), signal.tokenDetail(), true);
  }

  @Override
  public void cabDecision(CabDecisionSignal signal) {
    if (deferred("change board decision", signal == null ? null : signal.outOfBounds(), () -> cabDecision(signal))) {
      return;
    }
    String refusal = cabSignatureProblem(signal);
    if (refusal == null) {
      refusal = environmentGates.acceptCabDecision(signal, boundedInput);
    }
    refusal = MessageLimits.cut(refusal, GateBook.REFUSAL_CHARS);
    String environment = signal == null ? null : knownEnvironment(signal.environment());
    String by = signal == null ? null : actor(signal.decidedBy());
    if (refusal == null) {
      progress.log(environment, null, "change board decision received: " + signal.state()
          + (by == null ? "" : " by " + by));
      audit("cab-decision", by, environment, "accepted", signal.state() + ": " + signal.reason());
    } else {
      progress.refused(environment, "change board decision refused: " + refusal);
      audit("cab-decision", by, environment, "refused", refusal);
    }
  }

  @Override
  public GateDecision submitApproval(ApprovalSignal signal) {
    GateBook.Decision decision = gates.approve(signal, Workflow.currentTimeMillis(), boundedInput);
    recordApproval(signal, decision);
    if (!decision.accepted()) {
      return new GateDecision(false, decision.environment(), decision.refusal());
    }
    EnvironmentPlan env = request.environment(decision.environment()).orElseThrow();
    int counted = gates.counted(env.name(), Workflow.currentTimeMillis());
    return new GateDecision(true, env.name(),
        counted + " of " + env.approval().minApprovalsOrDefault() + " approval(s)");
  }

  @Override
  public void validateApproval(ApprovalSignal signal) {
    refuseBeforePlan();
    refuseIfNot(gates.checkApproval(signal, Workflow.currentTimeMillis()));
  }

  @Override
  public GateDecision submitRejection(RejectionSignal signal) {
    GateBook.Decision decision = gates.reject(signal, Workflow.currentTimeMillis(), boundedInput);
    recordRejection(signal, decision);
    return new GateDecision(decision.accepted(), decision.environment(),
        decision.accepted() ? "the release stops: " + gates.rejection(decision.environment()).orElse("")
            : decision.refusal());
  }

  @Override
  public void validateRejection(RejectionSignal signal) {
    refuseBeforePlan();
    refuseIfNot(gates.checkRejection(signal, Workflow.currentTimeMillis()));
  }

  @Override
  public GateDecision submitOverride(OverrideSignal signal) {
    GateBook.Decision decision = gates.override(signal, boundedInput, Workflow.currentTimeMillis());
    recordOverride(signal, decision);
    return new GateDecision(decision.accepted(), decision.environment(), decision.accepted()
        ? "the " + signal.gate().trim() + " gate of " + decision.environment() + " will be skipped"
        : decision.refusal());
  }

  @Override
  public void validateOverride(OverrideSignal signal) {
    refuseBeforePlan();
    refuseIfNot(gates.checkOverride(signal, Workflow.currentTimeMillis()));
  }

  /** Update validators refuse by throwing: the caller gets the reason, the history gets nothing. */
  private static void refuseIfNot(GateBook.Decision decision) {
    if (!decision.accepted()) {
      IllegalArgumentException refused = new IllegalArgumentException(decision.refusal());
      refused.setStackTrace(new StackTraceElement[0]); // the Temporal UI shows the reason, not Gantry's code
      throw refused;
    }
  }

  /** Replay-safe metrics (the SDK drops them while replaying), tagged with the application. */
  private com.uber.m3.tally.Scope metrics() {
    return Workflow.getMetricsScope().tagged(java.util.Map.of("gantry_application",
        request.application() == null ? "unknown" : request.application()));
  }

  /*
   * The record* helpers keep what a message said. An accepted message fits MessageLimits; of a refused one
   * only a summary is kept (a valid name as it is, anything else shown cut by Names.shown), in the status,
   * the timeline, the audit trail and the log alike.
   */

  private void recordApproval(ApprovalSignal signal, GateBook.Decision decision) {
    metrics().counter(decision.accepted() ? "gantry_approvals_accepted" : "gantry_approvals_refused").inc(1);
    String approver = signal == null ? null : actor(signal.approver());
    String comment = signal == null ? null
        : decision.accepted() ? MessageLimits.cut(signal.comment(), MessageLimits.TEXT) : summary(signal.comment());
    progress.approval(new Approval(decision.environment(), approver, comment, ReleaseProgress.now(),
        decision.accepted(), decision.refusal()));
    if (decision.accepted()) {
      String waitingFor = approvalWaits.get(decision.environment());
      if (waitingFor != null) {
        java.util.Set<String> counted = gates.validApprovers(decision.environment(), Workflow.currentTimeMillis());
        progress.environment(decision.environment(), EnvironmentState.AWAITING_APPROVAL, waitingFor + " ("
            + counted.size() + " so far: " + String.join(", ", counted) + ")");
      }
      String signedBy = decision.verdict() == null ? "" : " (signed, key " + decision.verdict().keyThumbprint() + ")";
      progress.log(decision.environment(), null, "approval by " + approver + " accepted"
          + (comment == null || comment.isBlank() ? "" : ": " + comment) + signedBy);
      audit("approval", approver, decision.environment(), "accepted",
          decision.verdict() == null ? comment : (comment == null ? "" : comment) + signedBy);
    } else {
      progress.refused(decision.environment(), "approval refused: " + decision.refusal());
      audit("approval", approver, decision.environment(), "refused", decision.refusal());
      log.warn("approval refused release={} approver={} reason={}",
          request.releaseId(), approver, decision.refusal());
    }
    Workflow.setCurrentDetails(currentDetails());
  }

  private void recordRejection(RejectionSignal signal, GateBook.Decision decision) {
    String approver = signal == null ? null : actor(signal.approver());
    if (decision.accepted()) {
      String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
      progress.log(decision.environment(), null, "rejected by " + approver + ": " + reason);
      audit("rejection", approver, decision.environment(), "accepted", reason);
    } else {
      progress.refused(decision.environment(), "rejection refused: " + decision.refusal());
      audit("rejection", approver, decision.environment(), "refused", decision.refusal());
    }
  }

  private void recordOverride(OverrideSignal signal, GateBook.Decision decision) {
    if (!decision.accepted()) {
      recordRefusedOverride(signal, decision);
      return;
    }
    String approver = actor(signal.approver());
    String gate = signal.gate().trim();
    String justification = MessageLimits.cut(signal.justification(), MessageLimits.TEXT);
    String incident = MessageLimits.cut(signal.incident(), MessageLimits.REFERENCE);
    progress.override(new GateOverride(decision.environment(), gate, approver, justification, incident,
        ReleaseProgress.now(), true, null));
    progress.log(decision.environment(), null, "EMERGENCY OVERRIDE of the " + gate + " gate by "
        + approver + " (" + incident + "): " + justification);
    audit("override", approver, decision.environment(), "accepted",
        gate + " gate, incident " + incident + ": " + justification);
    pendingFollowUps.add(new FollowUpReview(request.releaseId(), decision.environment(), gate, approver,
        justification, incident, request.artifact().digest(), ReleaseProgress.now()));
  }

  private void recordRefusedOverride(OverrideSignal signal, GateBook.Decision decision) {
    String approver = signal == null ? null : actor(signal.approver());
    progress.override(new GateOverride(decision.environment(),
        signal == null ? null : kept(signal.gate(), MessageLimits.Shape.REFERENCE), approver,
        signal == null ? null : summary(signal.justification()),
        signal == null ? null : kept(signal.incident(), MessageLimits.Shape.REFERENCE),
        ReleaseProgress.now(), false, decision.refusal()));
    progress.refused(decision.environment(), "override refused: " + decision.refusal());
    audit("override", approver, decision.environment(), "refused", decision.refusal());
  }

  /** Who a message says it is from, as it is kept: a valid name, or what was claimed shown cut. */
  private static String actor(String claimed) {
    return claimed == null || claimed.isEmpty() ? null : kept(claimed, MessageLimits.Shape.PERSON);
  }

  /** A value as a refusal keeps it: as it is if it has the field's shape, else shown cut. */
  private static String kept(String value, MessageLimits.Shape shape) {
    if (value == null) {
      return null;
    }
    return shape.admits(value) ? MessageLimits.stripSpaces(value) : Names.shown(value);
  }

  /** Free text of a refused message: as it is if short and on one line, else shown cut (64 characters). */
  private static String summary(String text) {
    return text == null || (text.length() <= 64 && MessageLimits.isOneLine(text)) ? text : Names.shown(text);
  }

  /** The environment a message names, if this release has it; null for any other name. */
  private String knownEnvironment(String name) {
    return name != null && request.environment(name).isPresent() ? name : null;
  }

  @Override
  public void lockAnswer(dev.gantry.workflows.api.lock.LockAnswer answer) {
    if (locks != null) {
      locks.answered(answer);
    }
  }

  @Override
  public ReleaseStatus status() {
    return progress.snapshot().withAuditHead(auditHead);
  }

  private void awaitApproval(EnvironmentPlan env) {
    if (Workflow.currentTimeMillis() - directoryReadAt > DIRECTORY_FRESHNESS.toMillis()) {
      loadDirectory(); // a window or a board held the release: read who may approve now
    }
    ApprovalPolicy policy = env.approval();
    int needed = policy.minApprovalsOrDefault();
    String waitingFor = needed + " approval(s) from " + policy.whoMayApprove() + ": signal 'approve' with"
        + " {\"approver\": \"<name>\", \"digest\": \"" + request.artifact().digest()
        + "\", \"comment\": \"...\"" + (gates.actors().signed() ? ", \"token\": \"<token>\"}; make the token with `"
            + gates.actors().tokenCommand(dev.gantry.workflows.api.ActorTokens.APPROVE, env.name(), "<name>")
            + "` (or approve with `gantry release approve`, which signs with your profile's key)" : "}");
    gates.open(env.name());
    approvalWaits.put(env.name(), waitingFor);
    approvalDeadlines.put(env.name(), Workflow.currentTimeMillis() + policy.timeoutHoursOrDefault() * 3_600_000L);
    progress.environment(env.name(), EnvironmentState.AWAITING_APPROVAL, waitingFor);
    progress.stage(ReleaseState.AWAITING_APPROVAL, "approval:" + env.name());
    progress.log(env.name(), null, "waiting for " + waitingFor);
    audit("gate", null, env.name(), "waiting", "approval: " + needed + " from " + policy.whoMayApprove());
    publish(env.name());
    environmentGates.notify(env, request.application() + " " + request.version() + " waits for approval in "
        + env.name(), "Needs " + needed + " approval(s) from " + policy.whoMayApprove() + ". Artifact "
        + request.artifact().digest() + ", requested by " + request.requestedBy() + ".");

    long opened = Workflow.currentTimeMillis();
    long deadline = opened + policy.timeoutHoursOrDefault() * 3_600_000L;
    Long escalateAt = policy.escalateAfterHours() == null ? null
        : opened + policy.escalateAfterHours() * 3_600_000L;
    while (true) {
      long now = Workflow.currentTimeMillis();
      if (gates.rejection(env.name()).isPresent()) {
        progress.gate(env.name(), "approval", "failed", gates.rejection(env.name()).get());
        throw ApplicationFailure.newNonRetryableFailure(
            env.name() + ": " + gates.rejection(env.name()).get(), Failures.REJECTED);
      }
      if (gates.satisfied(env, now)) {
        break;
      }
      if (now >= deadline) {
        String reason = env.name() + ": approval gate timed out after " + policy.timeoutHoursOrDefault()
            + "h with " + gates.validApprovers(env.name(), now).size() + " of " + needed + " approval(s)";
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
      Long expiry = gates.nextExpiry(env, now);
      if (expiry != null) {
        wakeAt = Math.min(wakeAt, expiry);
      }
      Workflow.await(Duration.ofMillis(Math.max(1, wakeAt - now)),
          () -> gates.rejection(env.name()).isPresent()
              || gates.satisfied(env, Workflow.currentTimeMillis()));
    }
    gates.pass(env.name());
    approvalWaits.remove(env.name());
    approvalDeadlines.remove(env.name());
    metrics().tagged(java.util.Map.of("environment", env.name()))
        .timer("gantry_approval_gate_wait")
        .record(com.uber.m3.util.Duration.ofMillis(Workflow.currentTimeMillis() - opened));
    String approvers = String.join(", ", gates.validApprovers(env.name(), Workflow.currentTimeMillis()));
    progress.environment(env.name(), EnvironmentState.PENDING, null);
    progress.gate(env.name(), "approval", "passed", "approved by " + approvers);
    progress.log(env.name(), null, "approved by " + approvers);
    audit("gate", null, env.name(), "passed", "approval: approved by " + approvers);
  }

  private void escalate(EnvironmentPlan env) {
    String group = env.approval().escalationGroup();
    String message = env.name() + " has waited " + env.approval().escalateAfterHours() + "h for approval"
        + (group == null ? "" : ": escalated to " + group);
    progress.log(env.name(), null, message);
    audit("escalation", null, env.name(), "escalated", message);
    environmentGates.notify(env, "ESCALATION: " + request.application() + " " + request.version()
        + " still waits for approval in " + env.name(), message);
  }

  private void loadDirectory() {
    if (request.approversDirectory() != null) {
      gates.directory(directory.load(new DirectoryRequest(request.releaseId(), request.approversDirectory())));
    }
    directoryReadAt = Workflow.currentTimeMillis();
    for (OverrideSignal early : earlyOverrides) {
      recordOverride(early, gates.override(early, boundedInput, Workflow.currentTimeMillis()));
    }
    earlyOverrides.clear();
  }

  /** Right after the start: sign and attest, so that every later gate has something to verify. */
  private void signArtifact() {
    if (request.signing() == null) {
      progress.log(null, null, "this release signs nothing: each environment verifies the signatures that"
          + " came with the artifact");
      return;
    }
    progress.stage(ReleaseState.RUNNING, "signing");
    publish(null);
    progress.log(null, null, "signing " + request.artifact().digest() + " with " + request.signing().key());
    String signedAt = Workflow.getVersion(VersionMarkers.TRUSTED_SIGNING_TIME, Workflow.DEFAULT_VERSION, 1) >= 1
        ? ReleaseProgress.now() : null;
    List<SignatureRef> made = signatures.sign(new SignRequest(request.releaseId(), Workflow.getInfo().getRunId(),
        request.application(), request.version(), request.artifact(), request.signing(), request.requestedBy(),
        request.specSource(), progress.startedAt(), signedAt));
    progress.signed(made);
    String summary = SignatureGate.summary(made);
    progress.log(null, null, "signed: " + summary);
    audit("signing", null, null, "signed", summary);
  }

  /**
   * The fail-closed verification gate before an environment: no policy, no signature, an untrusted or
   * revoked key, a wrong digest or a missing attestation stops the release before any gate or deploy.
   */
  private void verifySignatures(EnvironmentPlan env) {
    if (signatures == null) {
      return;
    }
    VerificationPolicy policy = env.verification();
    if (policy == null) {
      String reason = env.name() + ": no signature verification policy; add `verification: {trustedKeys:"
          + " <file>}` to environments/" + env.name() + "/config.yaml";
      progress.gate(env.name(), "signature", "failed", reason);
      throw ApplicationFailure.newNonRetryableFailure(reason, Failures.SIGNATURE_REJECTED);
    }
    if (!policy.required()) {
      progress.gate(env.name(), "signature", "skipped", "verification: {required: false} in the environment's config");
      progress.log(env.name(), null, "signature verification is switched off for " + env.name());
      audit("gate", null, env.name(), "skipped", "signature: not required by the environment's config");
      return;
    }
    progress.stage(ReleaseState.RUNNING, "verify:" + env.name());
    publish(env.name());
    VerificationResult verified;
    try {
      verified = signatures.verify(verifyRequest(env, null));
    } catch (TemporalFailure failure) {
      String reason = FailureReasons.of(failure);
      progress.gate(env.name(), "signature", "failed", reason);
      progress.log(env.name(), null, "SIGNATURE REJECTED: " + reason);
      audit("gate", null, env.name(), "failed", "signature: " + reason);
      throw ApplicationFailure.newNonRetryableFailure(env.name() + ": " + reason, Failures.SIGNATURE_REJECTED);
    }
    progress.gate(env.name(), "signature", "passed", verified.detail());
    progress.log(env.name(), null, "signature verified: " + verified.detail());
    audit("gate", null, env.name(), "passed", "signature: " + verified.detail());
  }

  private VerifyRequest verifyRequest(EnvironmentPlan env, String region) {
    return new VerifyRequest(request.releaseId(), Workflow.getInfo().getRunId(), request.artifact(),
        progress.signatures(), env.verification(), env.name(), region);
  }

  /** Deploys the environment and tells its change board how it went. */
  private void deploy(EnvironmentPlan env) {
    try {
      deployEnvironment(env);
    } catch (TemporalFailure failure) {
      environmentGates.closeChange(env, false, "deployment failed: " + FailureReasons.of(failure));
      throw failure;
    }
    environmentGates.closeChange(env, true, request.version() + " deployed to " + env.regions().size()
        + " region(s)");
  }

  private void deployEnvironment(EnvironmentPlan env) {
    progress.environment(env.name(), EnvironmentState.DEPLOYING, null);
    progress.stage(ReleaseState.RUNNING, "deploy:" + env.name());
    progress.log(env.name(), null, "deploying " + request.version() + " to " + env.regions().size()
        + " region(s) in " + env.waves().size() + " wave(s)");
    publish(env.name());

    // Parallel compensation is off: undo runs in reverse order of the deploys, primary last.
    Saga saga = new Saga(new Saga.Options.Builder().setContinueWithError(true).build());
    List<String> failures = new ArrayList<>();
    for (List<String> wave : env.waves()) {
      holdWhilePaused(env.name());
      for (List<String> batch : batchesOf(env, wave)) {
        failures.addAll(deployWave(env, batch, saga));
        if (!failures.isEmpty()) {
          break;
        }
      }
      if (!failures.isEmpty()) {
        break;
      }
    }
    if (failures.isEmpty()) {
      progress.environment(env.name(), EnvironmentState.DEPLOYED, null);
      progress.log(env.name(), null, "all regions healthy on " + request.version());
      return;
    }
    String rollback = rollBack(env, saga);
    boolean anyRolledBack = env.regions().stream()
        .anyMatch(region -> progress.region(env.name(), region).state() == RegionState.ROLLED_BACK);
    progress.environment(env.name(), anyRolledBack ? EnvironmentState.ROLLED_BACK : EnvironmentState.FAILED,
        null);
    throw ApplicationFailure.newNonRetryableFailure(
        env.name() + ": " + String.join("; ", failures) + ". " + rollback, Failures.REGION_FAILED);
  }

  /**
   * A wave as it is run: whole, or in batches of {@code maxParallelRegions} (in config order; a batch
   * starts when the previous one is healthy). Versioned: releases started before the limit existed
   * replay as one batch per wave.
   */
  private List<List<String>> batchesOf(EnvironmentPlan env, List<String> wave) {
    Integer limit = env.maxParallelRegions();
    if (limit == null || limit < 1 || wave.size() <= limit
        || Workflow.getVersion(VersionMarkers.MAX_PARALLEL_REGIONS, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION) {
      return List.of(wave);
    }
    List<List<String>> batches = new ArrayList<>();
    for (int from = 0; from < wave.size(); from += limit) {
      batches.add(wave.subList(from, Math.min(wave.size(), from + limit)));
    }
    return batches;
  }

  /**
   * Starts every region of the wave at once, waits for all of them, returns the failures. Fail fast
   * ({@link WaveCancellation}): the first region to fail cancels the others of the wave, which stop what
   * they run at once; the Saga rolls them back.
   */
  private List<String> deployWave(EnvironmentPlan env, List<String> wave, Saga saga) {
    Map<String, Promise<RegionDeploymentResult>> running = new LinkedHashMap<>();
    WaveCancellation cancellation = new WaveCancellation(running);
    cancellation.start(() -> startWave(env, wave, saga, running));
    cancellation.awaitFirstFailure(region -> progress.log(env.name(), null, "region " + region + " failed:"
        + " cancelling the other regions of the wave"));
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Promise<RegionDeploymentResult>> entry : running.entrySet()) {
      String region = entry.getKey();
      try {
        RegionDeploymentResult result = entry.getValue().get();
        if (result.alreadyCurrent()) {
          unchangedRegions.add(env.name() + "/" + region);
        }
        String detail = (result.alreadyCurrent() ? request.version() + " was already current; " : "")
            + "healthy: " + result.health();
        progress.region(env.name(), region, RegionState.DEPLOYED, result.previousVersion(), detail);
        progress.log(env.name(), region, detail
            + (result.previousVersion() == null ? "" : " (was " + result.previousVersion() + ")"));
      } catch (RuntimeException failure) {
        if (WaveCancellation.cancelled(failure)) {
          // stopped; the Saga rolls it back (undoRegion says how) or finds nothing of ours there
          String detail = "cancelled (" + cancellation.reason() + ")";
          cancelledRegions.put(env.name() + "/" + region, detail);
          progress.region(env.name(), region, RegionState.SKIPPED, null, detail + " before it changed anything");
          progress.log(env.name(), region, detail);
          if (cancellation.firstFailure() == null) {
            failures.add("region " + region + " " + detail);
          }
          continue;
        }
        String reason = FailureReasons.of(failure);
        progress.region(env.name(), region, RegionState.FAILED, null, reason);
        progress.log(env.name(), region, "failed: " + reason);
        failures.add("region " + region + " failed: " + reason);
      }
    }
    return failures;
  }

  private void startWave(EnvironmentPlan env, List<String> wave, Saga saga,
      Map<String, Promise<RegionDeploymentResult>> running) {
    for (String region : wave) {
      // With signature gates, the region verifies again right before its deploy step.
      RegionDeploymentRequest regionRequest = new RegionDeploymentRequest(request.releaseId(),
          request.application(), request.version(), request.artifact(), env.name(), region,
          env.target(), env.healthCheck(), signatures == null ? null : env.verification(),
          signatures == null ? null : progress.signatures(), env.rollout());
      // The undo is registered before the side effect; it is a no-op where the version never landed.
      saga.addCompensation(() -> undoRegion(env, region));
      RegionDeploymentWorkflow child = Workflow.newChildWorkflowStub(RegionDeploymentWorkflow.class,
          ChildWorkflowOptions.newBuilder()
              .setWorkflowId(ReleaseIds.region(request.releaseId(), env.name(), region))
              .build());
      progress.region(env.name(), region, RegionState.DEPLOYING, null, "deploying " + request.version());
      progress.log(env.name(), region, "deploying " + request.version());
      running.put(region, Async.function(child::deploy, regionRequest));
    }
  }

  private String rollBack(EnvironmentPlan env, Saga saga) {
    progress.log(env.name(), null, "rolling back the regions changed in " + env.name());
    publish(env.name());
    try {
      Workflow.newDetachedCancellationScope(saga::compensate).run();
    } catch (Saga.CompensationException incomplete) {
      progress.log(env.name(), null, "rollback incomplete: " + FailureReasons.of(incomplete)
          + "; manual action needed");
    }
    List<String> rolledBack = new ArrayList<>();
    List<String> stuck = new ArrayList<>();
    for (String region : env.regions()) {
      RegionState state = progress.region(env.name(), region).state();
      if (state == RegionState.ROLLED_BACK) {
        String to = progress.region(env.name(), region).previousVersion();
        rolledBack.add(region + " (to " + (to == null ? "no earlier version" : to) + ")");
      } else if (state == RegionState.DEPLOYED || state == RegionState.ROLLING_BACK) {
        stuck.add(region);
      }
    }
    String summary = rolledBack.isEmpty()
        ? "No other region had been changed."
        : "Rolled back " + String.join(", ", rolledBack) + ".";
    if (!stuck.isEmpty()) {
      summary += " ROLLBACK FAILED in " + String.join(", ", stuck) + ": manual action needed.";
    }
    return summary;
  }

  private void undoRegion(EnvironmentPlan env, String region) {
    if (unchangedRegions.contains(env.name() + "/" + region)) {
      // The version was live there before this release: there is nothing of ours to undo.
      progress.log(env.name(), region, "left as it was: " + request.version() + " ran there before this release");
      return;
    }
    if (progress.region(env.name(), region).state() == RegionState.DEPLOYED) {
      progress.region(env.name(), region, RegionState.ROLLING_BACK, null, "rolling back");
    }
    RollbackResult result = rollbacks.rollback(new RollbackRequest(request.releaseId(),
        request.application(), request.version(), env.name(), region, env.target(),
        "another region of " + env.name() + " failed"));
    if (result.changed()) {
      String cancelled = cancelledRegions.get(env.name() + "/" + region);
      String outcome = (cancelled == null ? "" : cancelled + ": ") + FailureReasons.rolledBackTo(result.restoredVersion());
      progress.region(env.name(), region, RegionState.ROLLED_BACK, result.restoredVersion(), outcome);
      progress.log(env.name(), region, outcome);
    }
  }

  private void recordDeployment(EnvironmentPlan env) {
    records.recordDeployment(new RecordDeploymentRequest(request.releaseId(), request.application(),
        request.version(), request.artifact().digest(), env.name(), env.regions(), env.target()));
    progress.log(env.name(), null, "recorded " + request.version() + " as deployed in " + env.name());
  }

  private void fail(String reason) {
    progress.finish(ReleaseState.FAILED, reason);
    audit("release", null, null, "failed", reason);
    progress.log(null, null, "release failed: " + reason);
    log.warn("release failed release={} reason={}", request.releaseId(), reason);
    publish(null);
  }

  private void audit(String kind, String actor, String environment, String outcome, String detail) {
    String runId = Workflow.getInfo().getRunId();
    String releaseId = planned ? request.releaseId() : Workflow.getInfo().getWorkflowId();
    pendingAudit.add(new AuditEvent(AuditEventIds.of(releaseId, runId, ++auditSequence),
        releaseId, runId, kind, actor, environment, outcome, detail,
        request.artifact() == null ? null : request.artifact().digest(), ReleaseProgress.now()));
  }

  /** Writes audit events (and the follow-up reviews overrides owe) in order, one at a time. */
  private void pumpAudit() {
    while (true) {
      Workflow.await(() -> !pendingAudit.isEmpty() || !pendingFollowUps.isEmpty());
      auditInFlight = true;
      if (!pendingAudit.isEmpty()) {
        AuditEvent event = pendingAudit.get(0);
        AuditHead head = audit.append(event);
        if (head != null) {
          auditHead = head;
        }
        pendingAudit.remove(0);
      } else {
        FollowUpReview review = pendingFollowUps.get(0);
        String where = audit.openFollowUpReview(review);
        pendingFollowUps.remove(0);
        progress.log(review.environment(), null, "follow-up review opened: " + where);
      }
      auditInFlight = false;
    }
  }

  private void flushAudit() {
    Workflow.newDetachedCancellationScope(() -> Workflow.await(
        () -> pendingAudit.isEmpty() && pendingFollowUps.isEmpty() && !auditInFlight)).run();
  }

  /** Search attributes and the UI's current details follow the release's position. */
  private void publish(String environment) {
    List<io.temporal.common.SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(SearchAttributes.STAGE.valueSet(progress.stage()));
    updates.add(SearchAttributes.STATUS.valueSet(progress.state().name()));
    if (environment != null) {
      updates.add(SearchAttributes.ENVIRONMENT.valueSet(environment));
    }
    Workflow.upsertTypedSearchAttributes(updates.toArray(new io.temporal.common.SearchAttributeUpdate<?>[0]));
    Workflow.setCurrentDetails(currentDetails());
  }

  /** Shown on the workflow's page in the Temporal UI: where the release is and what it needs (ApproverView). */
  private String currentDetails() {
    ApproverView.OpenGate gate = null;
    if (progress.state() == ReleaseState.AWAITING_APPROVAL) {
      for (Map.Entry<String, Long> open : approvalDeadlines.entrySet()) {
        EnvironmentPlan env = request.environment(open.getKey()).orElse(null);
        if (env != null) {
          gate = new ApproverView.OpenGate(env.name(), env.approval(), open.getValue(),
              gates.validApprovers(env.name(), Workflow.currentTimeMillis()));
        }
      }
    }
    return ApproverView.details(request, progress.snapshot(), gate);
  }
}
