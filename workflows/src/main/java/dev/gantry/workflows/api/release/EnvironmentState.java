package dev.gantry.workflows.api.release;

public enum EnvironmentState {
  PENDING,
  AWAITING_APPROVAL,
  AWAITING_WINDOW,
  AWAITING_CHANGE_BOARD,
  DEPLOYING,
  DEPLOYED,
  FAILED,
  ROLLED_BACK,
  SKIPPED
}
