package dev.gantry.workflows.flags;

import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditHead;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the flag workflows share: activity options, the audit trail, a timeline. Workflow code. */
final class FlagWorkflows {
  private FlagWorkflows() {}

  /** Split Admin API calls: 429/5xx retried with backoff for about 10 minutes; refusals never. */
  static final ActivityOptions SPLIT_OPTIONS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(2))
      .setHeartbeatTimeout(Duration.ofSeconds(10)) // the activities heartbeat: a lost worker costs seconds
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumInterval(Duration.ofMinutes(2))
          .setMaximumAttempts(10)
          .setDoNotRetry(FeatureFlagActivities.INVALID_SETTINGS, FeatureFlagActivities.CREDENTIAL_MISSING,
              FeatureFlagActivities.REFUSED, FeatureFlagActivities.NOT_FOUND)
          .build())
      .build();

  /** Metric reads: a few tries; an unreadable metric makes the analysis inconclusive, never a pass. */
  static final ActivityOptions METRIC_OPTIONS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(1))
      .setHeartbeatTimeout(Duration.ofSeconds(10))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2.0)
          .setMaximumAttempts(4)
          .setDoNotRetry(FlagAnalysisActivities.INVALID)
          .build())
      .build();

  static final ActivityOptions AUDIT_OPTIONS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofSeconds(30))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofMinutes(1))
          .build())
      .build();

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  /** The audit trail and timeline of one flag workflow. */
  static final class Trail {
    private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, AUDIT_OPTIONS);
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
      head = audit.append(new AuditEvent(workflowId + "/" + runId + "/" + (++sequence), workflowId, runId, kind, actor,
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
