package dev.gantry.workflows.api;

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
