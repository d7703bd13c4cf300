package dev.gantry.workflows.rollback;

import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditHead;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.DeploymentActivities;
import dev.gantry.workflows.api.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.EnvironmentRollbackResult;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.RollbackRequest;
import dev.gantry.workflows.api.RollbackResult;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.release.FailureReasons;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

public class EnvironmentRollbackWorkflowImpl implements EnvironmentRollbackWorkflow {
  private final DeploymentActivities deployments =
      Workflow.newActivityStub(DeploymentActivities.class, RegionDeploymentWorkflowImpl.ROLLBACK_OPTIONS);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
          .build());
  /** The audit trail's head after this workflow's latest record (Audit.append's result; null in old histories). */
  private AuditHead auditHead;
  private int sequence;

  @Override
  public EnvironmentRollbackResult rollBack(EnvironmentRollbackRequest request) {
    if (request.reason() == null || request.reason().isBlank()) {
      throw ApplicationFailure.newNonRetryableFailure("a rollback needs a reason", Failures.INVALID_REQUEST);
    }
    String environment = request.environment().name();
    record("rollback", "requested", request, environment, request.reason());
    List<List<String>> waves = new ArrayList<>(request.environment().waves());
    java.util.Collections.reverse(waves);
    List<RegionStatus> regions = new ArrayList<>();
    for (List<String> wave : waves) {
      for (String region : wave) {
        try {
          RollbackResult result = deployments.rollback(new RollbackRequest(request.releaseId(),
              request.application(), request.version(), environment, region, request.environment().target(),
              "operator rollback by " + request.requestedBy() + ": " + request.reason()));
          String detail = result.changed() ? FailureReasons.rolledBackTo(result.restoredVersion())
              : "left alone: " + request.version() + " is not current there (runs "
                  + (result.restoredVersion() == null ? "nothing" : result.restoredVersion()) + ")";
          regions.add(new RegionStatus(region, result.changed() ? RegionState.ROLLED_BACK : RegionState.SKIPPED,
              result.restoredVersion(), detail));
          record("rollback-region", result.changed() ? "rolled back" : "unchanged", request, environment,
              region + ": " + detail);
        } catch (RuntimeException failure) {
          String reason = FailureReasons.of(failure);
          regions.add(new RegionStatus(region, RegionState.FAILED, null, reason));
          record("rollback-region", "failed", request, environment, region + ": " + reason);
        }
      }
    }
    return new EnvironmentRollbackResult(environment, List.copyOf(regions));
  }

  private void record(String kind, String outcome, EnvironmentRollbackRequest request, String environment,
      String detail) {
    String runId = Workflow.getInfo().getRunId();
    AuditHead head;
    head = audit.append(new AuditEvent(request.workflowId() + "/" + runId + "/" + (++sequence), request.releaseId(), runId,
        kind, request.requestedBy(), environment, outcome, detail, request.artifactDigest(),
        Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString()));
    if (head != null) {
      auditHead = head;
    }
  }
}
