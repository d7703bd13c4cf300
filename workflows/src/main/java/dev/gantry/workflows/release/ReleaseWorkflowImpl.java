package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.lock.LockAnswer;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.window.FreezeSignal;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import org.slf4j.Logger;

/**
 * A release, as {@link #run} tells it: resolve the plan from policy, sign, then for each environment its
 * gates ({@link EnvironmentGates} says which class owns which), its configuration, the deploy in waves
 * ({@link Waves}), the record and the flag ramps; the end says how it went. The parts:
 * {@link ReleaseRun} (what they share), {@link ReleaseTrail} (audit), {@link StatusPublisher} (search
 * attributes, UI details, metrics), {@link ReleaseMessages} and {@link Approvals} (messages),
 * {@link OperatorControls} (pause, abort), {@link ReleaseSignatures}, {@link Waves}.
 */
public class ReleaseWorkflowImpl implements ReleaseWorkflow {
  private static final Logger log = Workflow.getLogger(ReleaseWorkflowImpl.class);

  private final PolicyActivities policy =
      Workflow.newActivityStub(PolicyActivities.class, ActivityOptionsCatalogue.POLICY);
  private final ReleaseRun run;
  private final ReleaseMessages messages;
  private final OperatorControls controls;
  private final ReleaseSignatures signatures;
  private final Waves waves;
  private final Notifier notifier;
  private EnvironmentSteps environmentSteps;
  private EnvironmentLocks locks;
  /** Releases started before the environment lock change environments without it. */
  private boolean environmentLocks;

  @WorkflowInit
  public ReleaseWorkflowImpl(ReleaseRequest request) {
    this.run = new ReleaseRun(request);
    this.messages = new ReleaseMessages(run);
    this.controls = new OperatorControls(run, messages);
    this.signatures = new ReleaseSignatures(run);
    this.waves = new Waves(run, signatures, controls);
    this.notifier = new Notifier(run);
    adopt(run.plan());
  }

  /** Builds the gates and steps of a plan: from now on it is the plan the release runs. */
  private void adopt(ReleaseRequest plan) {
    GateBook book = new GateBook(plan, run.signedActors());
    Approvals approvals = new Approvals(run, book, notifier);
    this.locks = new EnvironmentLocks(run.progress(), run);
    this.environmentSteps = new EnvironmentSteps(plan, run.progress(), run);
    run.adopt(plan, new EnvironmentGates(plan, run.progress(), book, run, signatures, approvals, locks), book,
        approvals);
  }

  @Override
  public ReleaseStatus run(ReleaseRequest ignored) {
    ReleaseProgress progress = run.progress();
    run.trail().start();
    resolvePlan();
    ReleaseRequest plan = run.plan();
    progress.log(null, null, "release of " + plan.application() + " " + plan.version()
        + " (" + plan.artifact().digest() + ") started by " + plan.requestedBy());
    run.audit("release", plan.requestedBy(), null, "started", plan.specSource()
        + (plan.policy() == null ? "" : "; policy " + plan.policy().digest()
            + (plan.policy().commit() == null ? "" : " commit " + plan.policy().commit())));
    if (plan.notes() != null && !plan.notes().isBlank()) {
      progress.log(null, null, "notes: " + Names.oneLine(plan.notes(), ReleaseRequest.MAX_NOTES));
    }
    if (plan.policy() != null) {
      progress.log(null, null, "plan resolved from the platform policy " + plan.policy().summary() + ": "
          + String.join(" -> ", plan.environments().stream().map(EnvironmentPlan::name).toList()));
    }
    run.status().metrics().counter("gantry_releases_started").inc(1);
    try {
      controls.runAbortable(this::runPath);
    } catch (TemporalFailure failure) {
      // Region failures, an activity out of retries, a timed-out or rejected gate, a cancelled release:
      // the status, the search attributes and the audit trail must say the release ended, and why,
      // and a change board waiting on this release hears that it will not happen.
      String reason = controls.reasonFor(failure);
      if (environmentLocks) {
        locks.leaveAll("release failed: " + reason);
      }
      run.gates().closeOpenChanges("release failed before the deployment: " + reason);
      fail(reason);
      run.status().metrics().counter("gantry_releases_failed").inc(1);
      run.trail().flush();
      throw controls.endingFailure(failure);
    }
    progress.finish(ReleaseState.SUCCEEDED, null);
    progress.log(null, null, "release succeeded: " + plan.version() + " runs in "
        + String.join(", ", plan.environments().stream().map(EnvironmentPlan::name).toList()));
    run.audit("release", null, null, "succeeded", null);
    run.status().metrics().counter("gantry_releases_succeeded").inc(1);
    run.publish(null);
    run.trail().flush();
    return status();
  }

  /** The release's path: sign, then each environment's gates, deploy and record. */
  private void runPath() {
    ReleaseRequest plan = run.plan();
    EnvironmentGates gates = run.gates();
    signatures.start();
    run.book().at(plan.environments().get(0).name());
    environmentLocks = Workflow.getVersion(VersionMarkers.ENVIRONMENT_LOCK, Workflow.DEFAULT_VERSION, 1) >= 1;
    if (environmentLocks
        && Workflow.getVersion(VersionMarkers.LOCK_ANSWERS_CHECKED, Workflow.DEFAULT_VERSION, 1) >= 1) {
      locks.checkAnswers();
    }
    for (EnvironmentPlan env : plan.environments()) {
      controls.holdWhilePaused(env.name());
      run.book().at(env.name());
      run.progress().at(env.name());
      gates.signature(env);
      run.approvals().readDirectory();
      gates.quality(env);
      gates.changeBoard(env);
      gates.window(env, false);
      if (env.needsApproval()) {
        gates.approval(env);
        // Approvals can take longer than the window stays open: look again before touching anything.
        gates.window(env, true);
      }
      boolean flagStages = env.flags() != null
          && Workflow.getVersion(VersionMarkers.FEATURE_FLAGS, Workflow.DEFAULT_VERSION, 1) >= 1;
      if (flagStages) {
        gates.requiredFlags(env);
      }
      if (environmentLocks) {
        gates.lock(env);
      }
      environmentSteps.beforeDeploy(env);
      waves.deploy(env);
      waves.record(env);
      if (flagStages) {
        gates.startFlagRamps(env);
      }
      if (environmentLocks) {
        locks.leave(env.name(), "deployed");
      }
    }
  }

  /**
   * The plan comes from the worker's policy, never from the input: a request only says what to release.
   * A request policy refuses ends the release at once, with the reason, before anything else runs.
   */
  private void resolvePlan() {
    ReleaseRequest input = run.input();
    if (Workflow.getVersion(VersionMarkers.PLAN_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      adopt(input); // recorded before policy existed: the input was the plan
      run.progress().plan(input);
    } else {
      run.progress().stage(ReleaseState.RUNNING, "resolving-plan");
      ReleaseRequest plan;
      try {
        plan = policy.resolvePlan(input);
      } catch (TemporalFailure failure) {
        boolean refused = failure.getCause() instanceof ApplicationFailure application
            && Failures.POLICY_REFUSED.equals(application.getType());
        throw refuse(refused ? "refused: " : "the plan could not be resolved (nothing ran; start the release again"
            + " once the worker is fixed): ", FailureReasons.of(failure));
      }
      String workflowId = Workflow.getInfo().getWorkflowId();
      if (!plan.releaseId().equals(workflowId)) {
        throw refuse("refused: ", "the workflow id " + Names.shown(workflowId) + " is not this release's id "
            + plan.releaseId() + ": start it with `gantry release start` or under that id");
      }
      adopt(plan);
      run.progress().plan(plan);
      if (run.book().actors().signed()) {
        verifyRequest();
      }
    }
    run.planned();
    messages.applyEarly();
  }

  /**
   * A signed release starts only on a request signed by the requester's key from the policy's directory:
   * the requester is a key from then on, and that key may not approve or override this release.
   */
  private void verifyRequest() {
    GateBook book = run.book();
    run.approvals().readDirectoryForRequest();
    String refusal = book.actors().acceptRequest(run.input().requestToken(), book.directory(),
        Workflow.currentTimeMillis());
    if (refusal != null) {
      throw refuse("refused: ", refusal + " (sign the request with `gantry release start` and your profile's"
          + " signingKey, or --signing-key)");
    }
    run.progress().log(null, null, "request signed by " + run.plan().requestedBy() + " (key "
        + book.actors().requesterKey() + ")");
  }

  /** Ends the release refused, before anything ran: recorded everywhere; returns the failure to throw. */
  private ApplicationFailure refuse(String prefix, String reason) {
    ReleaseRequest request = run.plan();
    run.progress().finish(ReleaseState.FAILED, prefix + reason);
    run.progress().log(null, null, "release " + prefix + reason);
    run.audit("release", Names.isPerson(request.requestedBy()) ? request.requestedBy() : null, null, "refused",
        reason);
    log.warn("release refused release={} reason={}", Workflow.getInfo().getWorkflowId(), reason);
    run.publish(null);
    messages.dropEarly();
    run.status().metrics().counter("gantry_releases_refused").inc(1);
    run.trail().flush();
    return ApplicationFailure.newNonRetryableFailure(prefix + reason, Failures.POLICY_REFUSED);
  }

  private void fail(String reason) {
    run.progress().finish(ReleaseState.FAILED, reason);
    run.audit("release", null, null, "failed", reason);
    run.progress().log(null, null, "release failed: " + reason);
    log.warn("release failed release={} reason={}", run.plan().releaseId(), reason);
    run.publish(null);
  }

  // ---- messages: before the plan is resolved they wait for it (ReleaseMessages#deferred) ----

  @Override
  public void approve(ApprovalSignal signal) {
    if (!messages.deferred("approval", signal == null ? null : signal.outOfBounds(), () -> approve(signal))) {
      run.approvals().approve(signal);
    }
  }

  @Override
  public void reject(RejectionSignal signal) {
    if (!messages.deferred("rejection", signal == null ? null : signal.outOfBounds(), () -> reject(signal))) {
      run.approvals().reject(signal);
    }
  }

  @Override
  public void override(OverrideSignal signal) {
    if (!messages.deferred("override", signal == null ? null : signal.outOfBounds(), () -> override(signal))) {
      run.approvals().override(signal);
    }
  }

  @Override
  public void pause(PauseSignal signal) {
    if (!messages.deferred("pause", signal == null ? null : signal.outOfBounds(), () -> pause(signal))) {
      controls.pause(signal);
    }
  }

  @Override
  public void resume(PauseSignal signal) {
    if (!messages.deferred("resume", signal == null ? null : signal.outOfBounds(), () -> resume(signal))) {
      controls.resume(signal);
    }
  }

  @Override
  public void abort(PauseSignal signal) {
    if (!run.signedActors()) {
      return; // releases from before the abort message never had it: replay them as they ran
    }
    if (!messages.deferred("abort", signal == null ? null : signal.outOfBounds(), () -> abort(signal))) {
      controls.abort(signal);
    }
  }

  @Override
  public void freeze(FreezeSignal signal) {
    if (!messages.deferred("freeze", signal == null ? null : signal.outOfBounds(), () -> freeze(signal))) {
      messages.freeze(signal);
    }
  }

  @Override
  public void cabDecision(CabDecisionSignal signal) {
    if (!messages.deferred("change board decision", signal == null ? null : signal.outOfBounds(),
        () -> cabDecision(signal))) {
      messages.cabDecision(signal);
    }
  }

  @Override
  public GateDecision submitApproval(ApprovalSignal signal) {
    return run.approvals().submitApproval(signal);
  }

  @Override
  public void validateApproval(ApprovalSignal signal) {
    messages.refuseBeforePlan();
    run.approvals().validateApproval(signal);
  }

  @Override
  public GateDecision submitRejection(RejectionSignal signal) {
    return run.approvals().submitRejection(signal);
  }

  @Override
  public void validateRejection(RejectionSignal signal) {
    messages.refuseBeforePlan();
    run.approvals().validateRejection(signal);
  }

  @Override
  public GateDecision submitOverride(OverrideSignal signal) {
    return run.approvals().submitOverride(signal);
  }

  @Override
  public void validateOverride(OverrideSignal signal) {
    messages.refuseBeforePlan();
    run.approvals().validateOverride(signal);
  }

  @Override
  public void lockAnswer(LockAnswer answer) {
    if (locks != null) {
      locks.answered(answer);
    }
  }

  @Override
  public dev.gantry.workflows.api.lock.LockClaims lockClaims() {
    return locks == null ? dev.gantry.workflows.api.lock.LockClaims.gone() : locks.claims();
  }

  @Override
  public ReleaseStatus status() {
    return run.progress().snapshot().withAuditHead(run.trail().head());
  }
}
