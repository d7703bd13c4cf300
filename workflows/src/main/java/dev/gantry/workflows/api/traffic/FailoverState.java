package dev.gantry.workflows.api.traffic;

/** Where a region's failover watch is. */
public enum FailoverState {
  /** The region carries its configured share of traffic; its health is polled. */
  WATCHING,
  /** The region's traffic went to the other regions; waiting for recovery and an approved failback. */
  FAILED_OVER,
  /** The watch was stopped. */
  STOPPED
}
