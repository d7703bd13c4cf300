package dev.gantry.workflows.api;

public enum ReleaseState {
  RUNNING,
  AWAITING_APPROVAL,
  /** Held by a deployment window, a freeze or the change board. */
  WAITING,
  SUCCEEDED,
  FAILED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED;
  }
}
