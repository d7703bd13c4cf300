package dev.gantry.bench;

import dev.gantry.workflows.api.approval.FollowUpReview;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When things happened, per release id, in {@link System#nanoTime()}: recorded by thin decorators around
 * the real activity implementations, on the first attempt of each activity.
 */
final class Probes {
  /** The audit append of the approval started (the first one of kind "approval"). */
  final Map<String, Long> approvalAuditStarted = new ConcurrentHashMap<>();
  /** The region deploy activity started. */
  final Map<String, Long> deployStarted = new ConcurrentHashMap<>();
  /** The audit append "gate waiting" finished: the release is parked at its approval gate, audit idle. */
  final Map<String, Long> gateOpened = new ConcurrentHashMap<>();
  /** The audit append "release succeeded" started: the release's last step. */
  final Map<String, Long> releaseSucceeded = new ConcurrentHashMap<>();

  /** The real audit log, timed. Each pass gets its own log file ({@link #useLog}). */
  final class RecordingAudit implements AuditActivities {
    private volatile AuditActivities log;

    void useLog(AuditActivities log) {
      this.log = log;
    }

    @Override
    public dev.gantry.workflows.api.audit.AuditHead append(AuditEvent event) {
      if ("approval".equals(event.kind())) {
        approvalAuditStarted.putIfAbsent(event.releaseId(), System.nanoTime());
      }
      if ("release".equals(event.kind()) && "succeeded".equals(event.outcome())) {
        releaseSucceeded.putIfAbsent(event.releaseId(), System.nanoTime());
      }
      dev.gantry.workflows.api.audit.AuditHead head = log.append(event);
      if ("gate".equals(event.kind()) && "waiting".equals(event.outcome())) {
        gateOpened.putIfAbsent(event.releaseId(), System.nanoTime());
      }
      return head;
    }

    @Override
    public String openFollowUpReview(FollowUpReview review) {
      return log.openFollowUpReview(review);
    }
  }

  /** The real deployment activities, with the start of {@code deploy} timed. */
  final class RecordingDeployments implements DeploymentActivities {
    private final DeploymentActivities real;

    RecordingDeployments(DeploymentActivities real) {
      this.real = real;
    }

    @Override
    public DeployResult deploy(DeployRequest request) {
      deployStarted.putIfAbsent(request.releaseId(), System.nanoTime());
      return real.deploy(request);
    }

    @Override
    public HealthCheckResult checkHealth(HealthCheckRequest request) {
      return real.checkHealth(request);
    }

    @Override
    public RollbackResult rollback(RollbackRequest request) {
      return real.rollback(request);
    }

    @Override
    public RecordDeploymentResult recordDeployment(RecordDeploymentRequest request) {
      return real.recordDeployment(request);
    }
  }
}
