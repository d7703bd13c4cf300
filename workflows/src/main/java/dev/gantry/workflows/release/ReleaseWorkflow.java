package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.window.FreezeSignal;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One release of one application version, id {@code release/<app>/<version>}: walks the promotion path,
 * holds at each environment's gates, deploys the environment's regions wave by wave, and rolls back the
 * regions it changed in an environment where a region fails. Returns the release report.
 *
 * <p>People act on a release in two ways. Signals ({@code approve}, {@code reject}, {@code override}),
 * one JSON object each, are what the Temporal UI sends: a refused one is recorded in the status and the
 * audit trail, and the release goes on waiting. Updates ({@code submitApproval}, ...) are what the CLI
 * and the Java client send: their validators refuse at once, before anything is written, and the
 * caller gets the reason.
 *
 * <p>In a <b>signed</b> release (the default wherever policy requires an approval) every message also carries
 * a {@code token}: a JWS by the sender's key from the policy's approvers directory ({@code ActorTokens},
 * checked by {@code SignedActors} with workflow time), and the start's request carries {@code requestToken}.
 *
 * <p>Every message is hostile until it fits {@link dev.gantry.workflows.api.input.MessageLimits} (names of their
 * strict shapes, one-line texts of at most 1,000 characters, 8,192 in all): one that does not is refused
 * and kept only as a short summary, so that no sender can grow the {@code status} answer or the result
 * past Temporal's blob limit, or forge lines in the timeline.
 */
@WorkflowInterface
public interface ReleaseWorkflow {

  @WorkflowMethod(name = "Release")
  ReleaseStatus run(ReleaseRequest request);

  /** From the Temporal UI: {@code {"approver": "alice", "digest": "sha256:...", "comment": "LGTM"}}. */
  @SignalMethod(name = "approve")
  void approve(ApprovalSignal approval);

  /** From the Temporal UI: {@code {"approver": "bob", "reason": "error budget exhausted"}}. */
  @SignalMethod(name = "reject")
  void reject(RejectionSignal rejection);

  /** Emergency: {@code {"approver": "erin", "gate": "window", "justification": "...", "incident": "INC-1"}}. */
  @SignalMethod(name = "override")
  void override(OverrideSignal override);

  /**
   * Blocks deployments of an environment for a period; a release waiting for the window honours it at
   * once: {@code {"environment": "production", "from": "2026-12-24", "to": "2026-12-26", "reason": "..."}}.
   */
  @SignalMethod(name = "freeze")
  void freeze(FreezeSignal freeze);

  /**
   * A change board's decision, for boards that call back (webhook boards):
   * {@code {"environment": "production", "ticketId": "CHG-1", "state": "APPROVED", "decidedBy": "cab"}}.
   */
  @SignalMethod(name = "cabDecision")
  void cabDecision(CabDecisionSignal decision);

  /**
   * Holds the release before its next step (the next environment, the next wave of regions): what runs
   * finishes, nothing new starts. {@code {"by": "alice", "reason": "incident in progress"}}.
   */
  @SignalMethod(name = "pause")
  void pause(PauseSignal pause);

  /** Lets a paused release go on. {@code {"by": "alice", "reason": "incident over"}}. */
  @SignalMethod(name = "resume")
  void resume(PauseSignal resume);

  /**
   * Stops the release where it is, like a cancel, but said by someone: in a signed release it must carry
   * a token of the sender's key (action {@code abort}). {@code {"by": "alice", "reason": "...", "token": "..."}}.
   * The release ends FAILED ({@code ReleaseAborted}) with who and why; a region being deployed is undone.
   */
  @SignalMethod(name = "abort")
  void abort(PauseSignal abort);

  @UpdateMethod(name = "submitApproval")
  GateDecision submitApproval(ApprovalSignal approval);

  @UpdateValidatorMethod(updateName = "submitApproval")
  void validateApproval(ApprovalSignal approval);

  @UpdateMethod(name = "submitRejection")
  GateDecision submitRejection(RejectionSignal rejection);

  @UpdateValidatorMethod(updateName = "submitRejection")
  void validateRejection(RejectionSignal rejection);

  @UpdateMethod(name = "submitOverride")
  GateDecision submitOverride(OverrideSignal override);

  @UpdateValidatorMethod(updateName = "submitOverride")
  void validateOverride(OverrideSignal override);

  /** The answer of an environment's lock ({@code lock/<app>/<env>}) to this release: sent by the lock. */
  @SignalMethod(name = "lockAnswer")
  void lockAnswer(dev.gantry.workflows.api.lock.LockAnswer answer);

  @QueryMethod(name = "status")
  ReleaseStatus status();

  /** The environment locks this run asks for and holds: how a lock checks a signal that claims to come from it. */
  @QueryMethod(name = "lockClaims")
  dev.gantry.workflows.api.lock.LockClaims lockClaims();
}
