package dev.gantry.workflows.api.flags;

/** Where a flag ramp or an experiment is. New constants go at the end. */
public enum RampState {
  RUNNING,
  SUCCEEDED,
  STOPPED,
  ABORTED,
  AWAITING_DECISION,
  DECIDED
}
