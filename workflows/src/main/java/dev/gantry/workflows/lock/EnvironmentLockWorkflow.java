package dev.gantry.workflows.lock;

import dev.gantry.workflows.api.lock.LockRelease;
import dev.gantry.workflows.api.lock.LockRequest;
import dev.gantry.workflows.api.lock.LockState;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One release per application and environment at a time ({@code lock/<app>/<env>}): releases ask by signal,
 * the lock answers each by signal (granted, queued behind the holder, or refused), grants in order, and frees
 * the environment when its holder leaves it, ends, or is found no longer running (terminated, timed out).
 */
@WorkflowInterface
public interface EnvironmentLockWorkflow {
  @WorkflowMethod(name = "EnvironmentLock")
  void run(LockState state);

  @SignalMethod(name = "request")
  void request(LockRequest request);

  @SignalMethod(name = "release")
  void release(LockRelease release);

  @QueryMethod(name = "state")
  LockState state();
}
