package dev.gantry.workflows.api;

public enum EnvironmentState {
  PENDING,
  AWAITING_APPROVAL,
  DEPLOYING,
  DEPLOYED,
  FAILED,
  ROLLED_BACK,
  SKIPPED
}
