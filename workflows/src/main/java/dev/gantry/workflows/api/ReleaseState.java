package dev.gantry.workflows.api;

public enum ReleaseState {
  RUNNING,
  AWAITING_APPROVAL,
  SUCCEEDED,
  FAILED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED;
  }
}
