package dev.gantry.workflows.api.release;

public enum ReleaseState {
  RUNNING,
  AWAITING_APPROVAL,
  /** Held by a deployment window, a freeze or the change board. */
  WAITING,
  SUCCEEDED,
  FAILED,
  /**
   * Stopped by Temporal without a word from the release: by an operator ({@code temporal workflow
   * terminate}) or by the server (a result over the blob limit, a history over its limits). The last three
   * states are never set by the release itself: clients read them from Temporal's own execution status,
   * which outranks whatever the release last said of itself.
   */
  TERMINATED,
  /** Past its workflow execution or run timeout. */
  TIMED_OUT,
  /** Cancelled ({@code gantry release abort}): the release itself records it as failed, with why. */
  CANCELED;

  public boolean isFinal() {
    return this != RUNNING && this != AWAITING_APPROVAL && this != WAITING;
  }
}
