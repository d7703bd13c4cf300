package dev.gantry.workflows.api;

public enum RegionState {
  PENDING,
  DEPLOYING,
  DEPLOYED,
  FAILED,
  ROLLING_BACK,
  ROLLED_BACK,
  SKIPPED
}
