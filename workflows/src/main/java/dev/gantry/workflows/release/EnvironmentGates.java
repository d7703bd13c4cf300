package dev.gantry.workflows.release;

import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.window.FreezeSignal;

/**
 * Every gate of an environment, in the order a release meets them, and the class that owns each:
 *
 * <table>
 *   <caption>gates of an environment</caption>
 *   <tr><th>gate</th><th>owner</th><th>overridable</th><th>fails with</th></tr>
 *   <tr><td>signature</td><td>{@link ReleaseSignatures#verify}</td><td>never</td><td>SignatureRejected</td></tr>
 *   <tr><td>quality</td><td>{@link QualityGate}</td><td>yes</td><td>GateFailed</td></tr>
 *   <tr><td>cab</td><td>{@link ChangeBoardGate}</td><td>yes</td><td>GateFailed</td></tr>
 *   <tr><td>window</td><td>{@link WindowGate} (again after approvals and after a wait for the lock)</td>
 *       <td>yes</td><td>never fails: waits</td></tr>
 *   <tr><td>approval</td><td>{@link Approvals}, by the rules of {@link GateBook}</td><td>never</td>
 *       <td>ReleaseRejected, ApprovalTimedOut</td></tr>
 *   <tr><td>flags (required flags)</td><td>{@link FlagStages}</td><td>never</td><td>GateFailed</td></tr>
 *   <tr><td>lock (one release per environment changes it)</td><td>{@link EnvironmentLocks}</td><td>never</td>
 *       <td>GateFailed (policy {@code concurrency: refuse})</td></tr>
 *   <tr><td>source (of a promotion)</td><td>{@link EnvironmentSteps}, right before the deploy</td><td>never</td>
 *       <td>GateFailed</td></tr>
 * </table>
 *
 * <p>The one contract of a gate: its method returns when the gate passed (or an accepted emergency override
 * of an overridable gate let it pass), and throws a non-retryable {@code ApplicationFailure} when it failed;
 * either way the outcome is in the status's gate checks, the timeline and the audit trail first (the
 * automated gates say it through {@link GateOutcomes}). A gate waits durably ({@code Workflow.await}),
 * fails closed when it cannot decide, and takes messages only through {@link GateBook} or its own
 * {@code accept*}/{@code add*} method, which returns null or the refusal. Workflow code.
 *
 * <p>The release's story ({@link ReleaseWorkflowImpl#run}) calls every gate here, in order, except the source
 * check, which runs with the environment's configuration step right before the deploy.
 */
final class EnvironmentGates {
  private final QualityGate quality;
  private final ChangeBoardGate changeBoard;
  private final WindowGate window;
  private final FlagStages flags;
  private final ReleaseRequest request;
  private final ReleaseSignatures signatures;
  private final Approvals approvals;
  private final EnvironmentLocks locks;

  EnvironmentGates(ReleaseRequest request, ReleaseProgress progress, GateBook book, Recorder recorder,
      ReleaseSignatures signatures, Approvals approvals, EnvironmentLocks locks) {
    this.request = request;
    this.signatures = signatures;
    this.approvals = approvals;
    this.locks = locks;
    GateContext context = new GateContext(request, progress, book, recorder, new GateOutcomes(progress, recorder));
    this.quality = new QualityGate(context);
    this.changeBoard = new ChangeBoardGate(context);
    this.window = new WindowGate(context);
    this.flags = new FlagStages(context);
  }

  void signature(EnvironmentPlan env) {
    signatures.verify(env);
  }

  void quality(EnvironmentPlan env) {
    quality.check(env);
  }

  void changeBoard(EnvironmentPlan env) {
    changeBoard.decide(env);
  }

  /** Waits until the window is open; {@code recheck}: a second look, which records only a change. */
  void window(EnvironmentPlan env, boolean recheck) {
    window.await(env, recheck);
  }

  void approval(EnvironmentPlan env) {
    approvals.await(env);
  }

  void requiredFlags(EnvironmentPlan env) {
    flags.requiredFlags(env);
  }

  /**
   * Only the changing part is exclusive: releases of one application pass their gates side by side, and one
   * at a time changes the environment. A release that had to wait looks at the window again, as after
   * approvals.
   */
  void lock(EnvironmentPlan env) {
    if (locks.acquire(request.application(), request.releaseId(), env)) {
      window.await(env, true);
    }
  }

  /** Not a gate: after the deploy, the environment's flag ramps start. */
  void startFlagRamps(EnvironmentPlan env) {
    flags.startFlagRamps(env);
  }

  /** The {@code freeze} message: null if added, else why it was refused. */
  String addFreeze(FreezeSignal signal, boolean boundedInput) {
    return window.addFreeze(signal, boundedInput);
  }

  /** The {@code cabDecision} message: null if taken, else why it was refused. */
  String acceptCabDecision(CabDecisionSignal signal, boolean boundedInput) {
    return changeBoard.acceptCabDecision(signal, boundedInput);
  }

  /** Closes the environment's change with the deployment's outcome; safe to call when there is none. */
  void closeChange(EnvironmentPlan env, boolean successful, String notes) {
    changeBoard.closeChange(env, successful, notes);
  }

  /** Closes every change still open (the release failed or was cancelled before deploying). */
  void closeOpenChanges(String notes) {
    changeBoard.closeOpenChanges(notes);
  }
}
