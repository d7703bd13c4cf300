package dev.gantry.workflows.release;

import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.EnvironmentState;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.TaskQueues;
import dev.gantry.workflows.api.lock.LockAnswer;
import dev.gantry.workflows.api.lock.LockRelease;
import dev.gantry.workflows.api.lock.LockRequest;
import dev.gantry.workflows.api.lock.LockState;
import dev.gantry.workflows.api.lock.Locks;
import dev.gantry.workflows.lock.EnvironmentLockWorkflow;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One release per application and environment at a time: once its gates in an environment have passed and
 * before it changes anything there, a release takes the environment's lock ({@code lock/<app>/<env>}, an
 * {@link EnvironmentLockWorkflow}); it waits behind the holder (its status says which release) or, where
 * policy says {@code concurrency: refuse}, fails refused. It
 * gives the lock back when it has deployed there and on every end (failure, abort, rejection); a holder
 * terminated without a word is found out by the lock.
 */
final class EnvironmentLocks {
  private final ReleaseProgress progress;
  private final Recorder recorder;
  private final Map<String, LockRequest> held = new LinkedHashMap<>();
  private String asked;
  private LockAnswer answer;

  EnvironmentLocks(ReleaseProgress progress, Recorder recorder) {
    this.progress = progress;
    this.recorder = recorder;
  }

  /** The lock's answer (signal {@code lockAnswer}): only for the lock this release is asking now. */
  void answered(LockAnswer lockAnswer) {
    if (lockAnswer != null && asked != null && asked.equals(lockAnswer.lockId())) {
      answer = lockAnswer;
    }
  }

  /** Takes the environment's lock, waiting behind its holder; true when it had to wait. */
  boolean acquire(String application, String releaseId, EnvironmentPlan env) {
    String lockId = Locks.id(application, env.name());
    String mode = Locks.mode(env.concurrency());
    LockRequest request = new LockRequest(lockId, application, env.name(), releaseId, Workflow.getInfo().getRunId(),
        mode, null);
    asked = lockId;
    answer = null;
    ask(request);
    boolean waited = false;
    while (true) {
      Workflow.await(() -> answer != null);
      LockAnswer got = answer;
      if (Locks.GRANTED.equals(got.outcome())) {
        break;
      }
      if (Locks.REFUSED.equals(got.outcome())) {
        asked = null;
        String reason = "refused: " + got.holder() + " is in " + env.name() + " (policy concurrency: refuse,"
            + " one release of " + application + " per environment at a time)";
        recorder.audit("gate", null, env.name(), "refused", "lock: " + reason);
        throw ApplicationFailure.newNonRetryableFailure(reason, Failures.GATE_FAILED);
      }
      answer = null;
      waited = true;
      String waitingFor = got.holder() + " to leave " + env.name() + " (one release of " + application
          + " per environment at a time)";
      progress.environment(env.name(), EnvironmentState.PENDING, waitingFor);
      progress.stage(ReleaseState.WAITING, "lock:" + env.name());
      progress.log(env.name(), null, "waiting for " + waitingFor);
      recorder.audit("gate", null, env.name(), "waiting", "lock: held by " + got.holder());
      recorder.publish(env.name());
    }
    asked = null;
    held.put(env.name(), request);
    if (waited) {
      progress.environment(env.name(), EnvironmentState.PENDING, null);
      progress.stage(ReleaseState.RUNNING, "entering:" + env.name());
      progress.log(env.name(), null, env.name() + " is free: entering it");
      recorder.publish(env.name());
    }
    return waited;
  }

  /** Leaves the environment: the next release may enter. */
  void leave(String environment, String why) {
    LockRequest request = held.remove(environment);
    if (request != null) {
      signal(request.lockId(), new LockRelease(request.releaseId(), request.runId(), why));
    }
  }

  /** On any end: every lock this release holds or waits for is given back (in a scope a cancel cannot stop). */
  void leaveAll(String why) {
    List<String> environments = List.copyOf(held.keySet());
    String waiting = asked;
    Workflow.newDetachedCancellationScope(() -> {
      environments.forEach(env -> leave(env, why));
      if (waiting != null) {
        signal(waiting, new LockRelease(Workflow.getInfo().getWorkflowId(), Workflow.getInfo().getRunId(), why));
      }
    }).run();
  }

  /** Signals the lock; where it does not run yet, starts it (abandoned: it outlives this release). */
  private void ask(LockRequest request) {
    for (int attempt = 0; attempt < 3; attempt++) {
      if (signalRequest(request)) {
        return;
      }
      EnvironmentLockWorkflow lock = Workflow.newChildWorkflowStub(EnvironmentLockWorkflow.class,
          ChildWorkflowOptions.newBuilder().setWorkflowId(request.lockId()).setTaskQueue(TaskQueues.RELEASE)
              .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
              .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
              .build());
      try {
        Async.procedure(lock::run, new LockState(request.lockId(), null, List.of(request)));
        Workflow.getWorkflowExecution(lock).get();
        return;
      } catch (CanceledFailure cancelled) {
        throw cancelled;
      } catch (RuntimeException alreadyRunning) {
        // another release started it a moment ago: ask again
      }
    }
    throw ApplicationFailure.newFailure("cannot reach the lock " + request.lockId(), Failures.GATE_FAILED);
  }

  private boolean signalRequest(LockRequest request) {
    try {
      Workflow.newExternalWorkflowStub(EnvironmentLockWorkflow.class, request.lockId()).request(request);
      return true;
    } catch (CanceledFailure cancelled) {
      throw cancelled;
    } catch (RuntimeException notRunning) {
      return false;
    }
  }

  private static void signal(String lockId, LockRelease release) {
    try {
      Workflow.newExternalWorkflowStub(EnvironmentLockWorkflow.class, lockId).release(release);
    } catch (RuntimeException gone) {
      // the lock ended: nothing is held
    }
  }
}
