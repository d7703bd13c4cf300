package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.support.AuditEventIds;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a writer of traffic weights says: the last lines of its log (its status shows them) and its records in
 * the audit trail, appended synchronously (traffic moves rarely and its record matters), numbered on from the
 * sequence a run continued as new hands over.
 */
final class TrafficTrail {
  private static final int LOG_LINES = 50;

  private final AuditActivities audit;
  private final String kind;
  private final String environment;
  private final List<String> lines = new ArrayList<>();
  private int sequence;

  /** {@code audit} is the workflow's own stub (its options are the workflow's). */
  TrafficTrail(AuditActivities audit, String kind, String environment, int sequence) {
    this.audit = audit;
    this.kind = kind;
    this.environment = environment;
    this.sequence = sequence;
  }

  void note(String line) {
    lines.add(now() + " " + line);
    while (lines.size() > LOG_LINES) {
      lines.remove(0);
    }
  }

  /** Appends one event to the audit trail; its head, or null where the trail returned none. */
  AuditHead record(String outcome, String actor, String detail) {
    String workflowId = Workflow.getInfo().getWorkflowId();
    String runId = Workflow.getInfo().getRunId();
    return audit.append(new AuditEvent(AuditEventIds.of(workflowId, runId, ++sequence), workflowId, runId, kind,
        actor, environment, outcome, detail, null, now()));
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** The number of the latest record, for the next run. */
  int sequence() {
    return sequence;
  }

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
