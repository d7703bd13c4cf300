package dev.gantry.workflows.release;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;

/** Turns Temporal's nested failures into the one sentence an operator needs. */
public final class FailureReasons {
  private FailureReasons() {}

  /** How a rollback left a region, e.g. "rolled back to 1.3.2". */
  public static String rolledBackTo(String restoredVersion) {
    return restoredVersion == null
        ? "rolled back (removed: no earlier version there)"
        : "rolled back to " + restoredVersion;
  }

  public static String of(Throwable failure) {
    Throwable cause = failure;
    String innermost = null;
    while (cause != null) {
      if (cause instanceof io.temporal.failure.CanceledFailure) {
        return "the release was cancelled";
      }
      if (cause instanceof ApplicationFailure app) {
        innermost = app.getOriginalMessage();
      } else if (cause instanceof TimeoutFailure timeout) {
        innermost = "timed out (" + timeout.getTimeoutType() + ")";
      } else if (cause instanceof TemporalFailure temporal
          && !(cause instanceof ActivityFailure)
          && !(cause instanceof ChildWorkflowFailure)) {
        innermost = temporal.getOriginalMessage();
      }
      cause = cause.getCause();
    }
    return innermost != null ? innermost : String.valueOf(failure.getMessage());
  }
}
