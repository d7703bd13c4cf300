package dev.gantry.workflows.api.lock;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What a lock asks Temporal: does its holder still run? (A terminated release never says it left.) */
@ActivityInterface(namePrefix = "Locks.")
public interface LockActivities {
  /** Whether the release's run is still running; true where Temporal cannot say (never frees a live holder). */
  @ActivityMethod(name = "Locks.holderRunning")
  boolean holderRunning(LockRequest holder);
}
