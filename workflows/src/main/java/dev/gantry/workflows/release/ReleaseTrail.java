package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.FollowUpReview;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import io.temporal.workflow.Async;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The release's audit trail: events (and the follow-up reviews overrides owe) wait in a queue and one pump
 * writes them in order, one at a time, so that message handlers never block on I/O. The pump lives outside
 * the release's cancellation scope: a cancelled release still writes why it ended. Workflow code.
 */
final class ReleaseTrail {
  private final AuditActivities audit =
      Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
  private final ReleaseRun run;
  private final List<AuditEvent> pending = new ArrayList<>();
  private final List<FollowUpReview> pendingFollowUps = new ArrayList<>();
  private boolean inFlight;
  private int sequence;
  /** The trail's head after this release's latest record (Audit.append's result; null in old histories). */
  private AuditHead head;

  ReleaseTrail(ReleaseRun run) {
    this.run = run;
  }

  /** Starts the pump, detached from the release's cancellation. */
  void start() {
    Workflow.newDetachedCancellationScope(() -> Async.procedure(this::pump)).run();
  }

  /** Queues an event; before the plan is resolved it is keyed by the workflow id. */
  void record(String kind, String actor, String environment, String outcome, String detail) {
    String runId = Workflow.getInfo().getRunId();
    String releaseId = run.isPlanned() ? run.plan().releaseId() : Workflow.getInfo().getWorkflowId();
    pending.add(new AuditEvent(AuditEventIds.of(releaseId, runId, ++sequence),
        releaseId, runId, kind, actor, environment, outcome, detail,
        run.plan().artifact() == null ? null : run.plan().artifact().digest(), ReleaseProgress.now()));
  }

  /** Queues the follow-up review an accepted emergency override owes. */
  void followUp(FollowUpReview review) {
    pendingFollowUps.add(review);
  }

  AuditHead head() {
    return head;
  }

  /** Waits (whatever cancels the release) until everything queued is written. */
  void flush() {
    Workflow.newDetachedCancellationScope(() -> Workflow.await(
        () -> pending.isEmpty() && pendingFollowUps.isEmpty() && !inFlight)).run();
  }

  private void pump() {
    while (true) {
      Workflow.await(() -> !pending.isEmpty() || !pendingFollowUps.isEmpty());
      inFlight = true;
      if (!pending.isEmpty()) {
        AuditHead appended = audit.append(pending.get(0));
        if (appended != null) {
          head = appended;
        }
        pending.remove(0);
      } else {
        FollowUpReview review = pendingFollowUps.get(0);
        String where = audit.openFollowUpReview(review);
        pendingFollowUps.remove(0);
        run.progress().log(review.environment(), null, "follow-up review opened: " + where);
      }
      inFlight = false;
    }
  }
}
