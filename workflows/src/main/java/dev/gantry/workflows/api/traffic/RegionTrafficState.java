package dev.gantry.workflows.api.traffic;

/** Where one region stands with the traffic owner. */
public enum RegionTrafficState {
  /** Takes its share of traffic (healthy, or not read yet: traffic never moves on a guess). */
  SERVING,
  /** Went unhealthy: weight 0 until it has recovered and a failback is approved. */
  FAILED_OVER,
  /** An operator drained it: weight 0 until a failback is approved, healthy or not. */
  DRAINED
}
