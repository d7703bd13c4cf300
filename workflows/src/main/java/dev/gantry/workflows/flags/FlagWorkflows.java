package dev.gantry.workflows.flags;

import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the flag workflows share: the audit trail, a timeline. Workflow code. */
final class FlagWorkflows {
  private FlagWorkflows() {}

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  /** The audit trail and timeline of one flag workflow. */
  static final class Trail {
    private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
    /** The audit trail's head after this workflow's latest record (Audit.append's result; null in old histories). */
    private AuditHead auditHead;
    private final List<String> timeline = new ArrayList<>();
    private final String workflowId;
    private final String environment;
    private int sequence;

    Trail(String workflowId, String environment) {
      this.workflowId = workflowId;
      this.environment = environment;
    }

    void log(String line) {
      timeline.add(now() + " " + line);
    }

    void audit(String kind, String actor, String outcome, String detail) {
      String runId = Workflow.getInfo().getRunId();
      AuditHead head;
      head = audit.append(new AuditEvent(AuditEventIds.of(workflowId, runId, ++sequence), workflowId, runId, kind, actor,
          environment, outcome, detail, null, now()));
      if (head != null) {
        auditHead = head;
      }
    }

    List<String> timeline() {
      return List.copyOf(timeline);
    }
  }
}
