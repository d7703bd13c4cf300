package dev.gantry.workflows.release;

import static dev.gantry.workflows.release.ReleaseMessages.actor;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;

/**
 * What an operator does to a running release: pause it (what runs finishes, nothing new starts until it is
 * resumed) and abort it (what runs is stopped, a region being deployed is undone). An abort is an accepted
 * {@code abort} message, or Temporal's cancellation of the release ({@link Aborts} reads who sent it and
 * why from its reason). Workflow code.
 */
final class OperatorControls {
  private final ReleaseRun run;
  private final ReleaseMessages messages;
  private boolean paused;
  /** The release's path, cancelled by an accepted abort message; null until it starts. */
  private CancellationScope path;
  /** Who aborted and why, once an abort message was accepted. */
  private String abortedBy;

  OperatorControls(ReleaseRun run, ReleaseMessages messages) {
    this.run = run;
    this.messages = messages;
  }

  /** Runs the release's path in its own scope, so that an accepted abort message can cancel it (no commands). */
  void runAbortable(Runnable releasePath) {
    path = Workflow.newCancellationScope(releasePath);
    if (abortedBy != null) {
      path.cancel(abortedBy);
    }
    path.run();
  }

  /**
   * Why the release ended, given how its path failed: an accepted abort message; Temporal's cancellation
   * (who sent it and why go into the trail); else the failure itself.
   */
  String reasonFor(TemporalFailure failure) {
    String reason = abortedBy != null ? abortedBy : FailureReasons.of(failure);
    // cancelled mid-deploy, the failure is the region's ("cancelled, rolled back"); the abort is why
    if (abortedBy == null && (isCancellation(failure) || CancellationScope.current().isCancelRequested())
        && Workflow.getVersion(VersionMarkers.ABORT_IN_TRAIL, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // `abort --reason` and who sent it: in the trail and the release's failure, not only in Temporal's history
      String cancelled = CancellationScope.current().getCancellationReason();
      reason = Aborts.failure(cancelled);
      run.audit("release", Aborts.actor(cancelled), null, "aborted", Aborts.why(cancelled));
    }
    return reason;
  }

  /** The failure the release ends with: an accepted abort message's, else the path's own. */
  TemporalFailure endingFailure(TemporalFailure failure) {
    return abortedBy != null ? ApplicationFailure.newNonRetryableFailure(abortedBy, Failures.ABORTED) : failure;
  }

  /** A paused release holds here, between steps, durably; the stage shows it. */
  void holdWhilePaused(String environment) {
    if (!paused) {
      return;
    }
    ReleaseProgress progress = run.progress();
    ReleaseState before = progress.state();
    String stage = progress.stage();
    progress.stage(ReleaseState.WAITING, "paused");
    run.publish(environment);
    Workflow.await(() -> !paused);
    progress.stage(before, stage);
    run.publish(environment);
  }

  void pause(PauseSignal signal) {
    if (refused(signal, "pause", ActorTokens.PAUSE)) {
      return;
    }
    if (!paused) {
      paused = true;
      String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
      run.progress().log(null, null, "PAUSED by " + actor(signal.by()) + ": " + reason
          + " (what runs finishes; nothing new starts until resumed)");
      run.audit("pause", actor(signal.by()), null, "accepted", reason);
    }
  }

  void resume(PauseSignal signal) {
    if (refused(signal, "resume", ActorTokens.RESUME)) {
      return;
    }
    if (paused) {
      paused = false;
      String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
      run.progress().log(null, null, "resumed by " + actor(signal.by()) + ": " + reason);
      run.audit("resume", actor(signal.by()), null, "accepted", reason);
    }
  }

  void abort(PauseSignal signal) {
    if (refused(signal, "abort", ActorTokens.ABORT)) {
      return;
    }
    if (abortedBy != null || run.progress().state().isFinal()) {
      return;
    }
    String reason = MessageLimits.cut(signal.reason(), MessageLimits.TEXT);
    abortedBy = "aborted by " + actor(signal.by()) + ": " + reason;
    run.progress().log(null, null, "ABORTED by " + actor(signal.by()) + ": " + reason
        + " (what runs is stopped; a region being deployed is undone)");
    run.audit("abort", actor(signal.by()), null, "accepted", reason);
    if (path != null) {
      path.cancel(abortedBy);
    }
  }

  /** Refuses (and records) a pause, resume or abort that cannot be acted on; true when it did. */
  private boolean refused(PauseSignal signal, String what, String action) {
    String problem = problem(signal, what);
    if (problem == null) {
      problem = messages.signedMessageProblem(signal.token(), signal.by(), action, null, null, false);
    }
    if (problem == null) {
      return false;
    }
    run.progress().refused(null, what + " refused: " + problem);
    run.audit(what, actor(signal == null ? null : signal.by()), null, "refused", problem);
    return true;
  }

  /** Null if the pause, resume or abort can be acted on, else why not. */
  private String problem(PauseSignal signal, String what) {
    if (signal == null) {
      return "empty " + what + " message";
    }
    if (signal.problem() != null) {
      return signal.problem();
    }
    return run.boundedInput() ? signal.outOfBounds() : null;
  }

  private static boolean isCancellation(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof CanceledFailure) {
        return true;
      }
    }
    return false;
  }
}
