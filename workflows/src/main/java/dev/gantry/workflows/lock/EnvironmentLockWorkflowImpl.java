package dev.gantry.workflows.lock;

import dev.gantry.workflows.api.lock.LockActivities;
import dev.gantry.workflows.api.lock.LockAnswer;
import dev.gantry.workflows.api.lock.LockClaims;
import dev.gantry.workflows.api.lock.LockRelease;
import dev.gantry.workflows.api.lock.LockRequest;
import dev.gantry.workflows.api.lock.LockState;
import dev.gantry.workflows.api.lock.Locks;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * The lock of one application's environment. Deterministic: it only keeps a queue, signals the releases, and
 * asks (by activity, only while someone waits) whether its holder still runs.
 */
public class EnvironmentLockWorkflowImpl implements EnvironmentLockWorkflow {
  private static final Logger log = Workflow.getLogger(EnvironmentLockWorkflowImpl.class);
  /** An idle lock ends after this; the next release starts it again. */
  static final Duration IDLE = Duration.ofHours(1);
  static final int DEFAULT_CHECK_SECONDS = 30;
  /** Grants per run before the lock continues as new (its history stays small). */
  static final int GRANTS_PER_RUN = 200;

  private final LockActivities activities =
      Workflow.newActivityStub(LockActivities.class, ActivityOptionsCatalogue.LOCK);

  private String lockId;
  private LockRequest holder;
  private final List<LockRequest> queue = new ArrayList<>();
  private final List<LockAnswer> answersPending = new ArrayList<>();
  private final List<LockRequest> answerTo = new ArrayList<>();
  /**
   * Requests and releases not yet checked, in the order they came. Anyone who may signal a workflow can send
   * {@code request} or {@code release}: the lock acts on one only when the release's run says the same (its
   * {@code lockClaims} query, read by an activity). Null until {@code run} knows whether this run checks.
   */
  private final List<Object> inbox = new ArrayList<>();
  private Boolean checked;

  @Override
  public void run(LockState state) {
    lockId = state == null || state.lockId() == null ? Workflow.getInfo().getWorkflowId() : state.lockId();
    checked = Workflow.getVersion(VersionMarkers.LOCK_CLAIMS_CHECKED, Workflow.DEFAULT_VERSION, 1) >= 1;
    if (state != null) {
      if (state.queue() != null) {
        state.queue().forEach(checked ? this::accept : this::request); // checked by the run before
      }
      if (state.holder() != null) {
        holder = state.holder();
      }
    }
    if (!checked) {
      List.copyOf(inbox).forEach(early -> {
        if (early instanceof LockRequest request) {
          accept(request);
        } else {
          free((LockRelease) early);
        }
      });
      inbox.clear();
    }
    int grants = 0;
    while (true) {
      checkInbox();
      sendAnswers();
      if (holder == null) {
        if (queue.isEmpty()) {
          if (!Workflow.await(IDLE, () -> !queue.isEmpty() || !answerTo.isEmpty() || !inbox.isEmpty())
              && queue.isEmpty() && answerTo.isEmpty() && inbox.isEmpty()) {
            return; // idle: the next release starts the lock again
          }
          continue;
        }
        LockRequest next = queue.remove(0);
        holder = next;
        if (!tell(next, new LockAnswer(lockId, Locks.GRANTED, next.releaseId(), "granted"))) {
          log.info("lock {}: {} is gone, not granted", lockId, next.releaseId());
          holder = null;
          continue;
        }
        grants++;
        // a copy, and the grantee by name: each tell waits for its signal to be sent, and meanwhile a request
        // or release changes the queue and the grantee may already have finished and left (holder null): both
        // failed every workflow task of the lock (ConcurrentModificationException, NullPointerException)
        for (LockRequest waiting : List.copyOf(queue)) {
          tell(waiting, new LockAnswer(lockId, Locks.QUEUED, next.releaseId(), "waits behind " + next.releaseId()));
        }
        if ((grants >= GRANTS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) && inbox.isEmpty()) {
          Workflow.continueAsNew(new LockState(lockId, holder, List.copyOf(queue)));
        }
        continue;
      }
      LockRequest held = holder;
      if (Workflow.getInfo().isContinueAsNewSuggested() && inbox.isEmpty()) { // nothing unchecked is lost
        Workflow.continueAsNew(new LockState(lockId, holder, List.copyOf(queue)));
      }
      if (queue.isEmpty()) {
        // nobody waits: no timer, no check (a release may hold an environment for weeks)
        Workflow.await(() -> holder != held || !answerTo.isEmpty() || !queue.isEmpty() || !inbox.isEmpty());
        continue;
      }
      int check = held.checkSeconds() == null || held.checkSeconds() < 1 ? DEFAULT_CHECK_SECONDS : held.checkSeconds();
      boolean changed = Workflow.await(Duration.ofSeconds(check),
          () -> holder != held || !answerTo.isEmpty() || !inbox.isEmpty());
      if (!changed && holder == held && !queue.isEmpty() && !activities.holderRunning(held)) {
        // terminated, timed out or reset away: it will never say it left
        log.info("lock {}: holder {} no longer runs; freed", lockId, held.releaseId());
        holder = null;
      }
    }
  }

  @Override
  public void request(LockRequest request) {
    if (request == null || request.releaseId() == null) {
      return;
    }
    if (Boolean.FALSE.equals(checked)) {
      accept(request);
    } else {
      inbox.add(request);
    }
  }

  @Override
  public void release(LockRelease release) {
    if (release == null || release.releaseId() == null) {
      return;
    }
    if (Boolean.FALSE.equals(checked)) {
      free(release);
    } else {
      inbox.add(release);
    }
  }

  /**
   * Acts on each request and release its sender's run bears out: a request only from a run that asks for this
   * lock; a release only when the run it would free no longer holds (or asks for) this lock. The rest is logged
   * and dropped: a client's forged signal neither takes nor frees an environment.
   */
  private void checkInbox() {
    while (!inbox.isEmpty()) {
      Object next = inbox.remove(0);
      if (next instanceof LockRequest request) {
        LockClaims claims = activities.claims(request);
        if (claims.known() && (!claims.running() || !claims.asks(lockId))) {
          log.warn("lock {}: a request for {} that its run does not make; ignored", lockId, request.releaseId());
          continue;
        }
        accept(request);
      } else if (next instanceof LockRelease release) {
        LockRequest target = holder != null && matches(holder, release) ? holder
            : queue.stream().filter(queued -> matches(queued, release)).findFirst().orElse(null);
        if (target == null) {
          continue;
        }
        LockClaims claims = activities.claims(target);
        if (claims.known() && claims.running() && (claims.holds(lockId) || claims.asks(lockId))) {
          log.warn("lock {}: a release of {} while its run still holds or asks for it; ignored", lockId,
              target.releaseId());
          continue;
        }
        free(release);
      }
    }
  }

  private static boolean matches(LockRequest request, LockRelease release) {
    return request.releaseId().equals(release.releaseId())
        && (release.runId() == null || Objects.equals(release.runId(), request.runId()));
  }

  private void accept(LockRequest request) {
    if (holder != null && holder.releaseId().equals(request.releaseId())) {
      holder = request; // asked again (a retry, or its new run after a reset): still its
      answerTo.add(request);
      answersPending.add(new LockAnswer(lockId, Locks.GRANTED, request.releaseId(), "granted"));
      return;
    }
    queue.removeIf(queued -> queued.releaseId().equals(request.releaseId()));
    if (Locks.REFUSE.equals(request.mode()) && (holder != null || !queue.isEmpty())) {
      String by = holder != null ? holder.releaseId() : queue.get(0).releaseId();
      answerTo.add(request);
      answersPending.add(new LockAnswer(lockId, Locks.REFUSED, by, "held by " + by));
      return;
    }
    queue.add(request);
    if (holder != null) {
      answerTo.add(request);
      answersPending.add(new LockAnswer(lockId, Locks.QUEUED, holder.releaseId(), "waits behind " + holder.releaseId()));
    }
  }

  private void free(LockRelease release) {
    if (holder != null && matches(holder, release)) {
      holder = null;
    }
    queue.removeIf(queued -> matches(queued, release));
  }

  @Override
  public LockState state() {
    return new LockState(lockId, holder, List.copyOf(queue));
  }

  private void sendAnswers() {
    while (!answerTo.isEmpty()) {
      LockRequest to = answerTo.remove(0);
      LockAnswer answer = answersPending.remove(0);
      tell(to, answer);
    }
  }

  /** Signals the release's run; false when it no longer runs. */
  private boolean tell(LockRequest to, LockAnswer answer) {
    try {
      Workflow.newUntypedExternalWorkflowStub(WorkflowExecution.newBuilder().setWorkflowId(to.releaseId())
          .setRunId(to.runId() == null ? "" : to.runId()).build()).signal("lockAnswer", answer);
      return true;
    } catch (CanceledFailure cancelled) {
      throw cancelled;
    } catch (RuntimeException gone) {
      return false;
    }
  }
}
