package dev.gantry.workflows.release;

import dev.gantry.workflows.api.lock.LockActivities;
import dev.gantry.workflows.api.lock.LockAnswer;
import dev.gantry.workflows.api.lock.LockClaims;
import dev.gantry.workflows.api.lock.LockRelease;
import dev.gantry.workflows.api.lock.LockRequest;
import dev.gantry.workflows.api.lock.LockState;
import dev.gantry.workflows.api.lock.Locks;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.lock.EnvironmentLockWorkflow;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
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
  private LockActivities lockActivities;

  EnvironmentLocks(ReleaseProgress progress, Recorder recorder) {
    this.progress = progress;
    this.recorder = recorder;
  }

  /**
   * From now on an answer only wakes the release up: what it does next follows the lock's own state, read by an
   * activity, because anyone who may signal a release could send {@code lockAnswer: granted}.
   */
  void checkAnswers() {
    lockActivities = Workflow.newActivityStub(LockActivities.class, ActivityOptionsCatalogue.LOCK);
  }

  /** What this run asks for and holds, for the lock's {@code lockClaims} query. */
  LockClaims claims() {
    return new LockClaims(true, true, asked, held.values().stream().map(LockRequest::lockId).toList());
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
    String behind = null;
    while (true) {
      Workflow.await(() -> answer != null);
      LockAnswer said = answer;
      answer = null; // an answer that comes while this one is checked is the next one looked at
      LockAnswer got = lockActivities == null ? said : confirmed(said, request);
      if (got == null) {
        continue;
      }
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
      waited = true;
      if (lockActivities != null && got.holder() != null && got.holder().equals(behind)) {
        continue; // told again: nothing new to say
      }
      behind = got.holder();
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

  /**
   * The answer as the lock's state bears it out: granted when the lock names this release as its holder, queued
   * when it waits in its queue, refused when another release holds it and this one is not queued (the lock
   * refused it); null when the lock's state does not bear the answer out (a forged signal, or one overtaken).
   */
  private LockAnswer confirmed(LockAnswer said, LockRequest request) {
    LockState state = lockActivities.state(request.lockId());
    // by release id, not run id: a replay (WorkflowReplayer) has a run id of its own, and two runs of one release
    // never run at once (a reset ends the old run)
    String release = request.releaseId();
    if (state == null) {
      recorder.audit("gate", null, request.environment(), "ignored", "lock: an answer while "
          + request.lockId() + " does not run");
      ask(request);
      return null;
    }
    if (state.holder() != null && release.equals(state.holder().releaseId())) {
      return new LockAnswer(request.lockId(), Locks.GRANTED, request.releaseId(), "granted");
    }
    String holder = state.holder() == null ? null : state.holder().releaseId();
    boolean queued = state.queue() != null
        && state.queue().stream().anyMatch(waiting -> release.equals(waiting.releaseId()));
    if (queued && holder != null) {
      return new LockAnswer(request.lockId(), Locks.QUEUED, holder, "waits behind " + holder);
    }
    if (!queued && holder != null && Locks.REFUSED.equals(said.outcome()) && Locks.REFUSE.equals(request.mode())) {
      return new LockAnswer(request.lockId(), Locks.REFUSED, holder, "held by " + holder);
    }
    if (Locks.GRANTED.equals(said.outcome()) || Locks.REFUSED.equals(said.outcome())) {
      recorder.audit("gate", null, request.environment(), "ignored", "lock: a " + said.outcome()
          + " answer the lock's state does not bear out");
    }
    return null;
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
    asked = null; // the lock checks a release against what this run says it asks for
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
