package dev.gantry.workflows.api.lock;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * What a lock and a release ask Temporal rather than believe a signal: does the holder still run (a terminated
 * release never says it left), what does a release's run claim, and what does the lock hold.
 */
@ActivityInterface(namePrefix = "Locks.")
public interface LockActivities {
  /** Whether the release's run is still running; true where Temporal cannot say (never frees a live holder). */
  @ActivityMethod(name = "Locks.holderRunning")
  boolean holderRunning(LockRequest holder);

  /** The run's own word on its locks (query {@code lockClaims}); {@link LockClaims#gone()} once it no longer runs. */
  @ActivityMethod(name = "Locks.claims")
  LockClaims claims(LockRequest run);

  /** The lock's own state (query {@code state}); null when the lock does not run. */
  @ActivityMethod(name = "Locks.state")
  LockState state(String lockId);
}
