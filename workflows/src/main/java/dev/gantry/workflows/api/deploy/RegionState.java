package dev.gantry.workflows.api.deploy;

public enum RegionState {
  PENDING,
  DEPLOYING,
  DEPLOYED,
  FAILED,
  ROLLING_BACK,
  ROLLED_BACK,
  SKIPPED
}
