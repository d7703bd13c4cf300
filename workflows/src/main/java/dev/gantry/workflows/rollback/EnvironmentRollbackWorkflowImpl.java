package dev.gantry.workflows.rollback;

import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditHead;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.DeploymentActivities;
import dev.gantry.workflows.api.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.EnvironmentRollbackResult;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.RecordDeploymentRequest;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.RollbackRequest;
import dev.gantry.workflows.api.RollbackResult;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.environment.EnvironmentOptions;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.release.FailureReasons;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
  private final EnvironmentActivities environments =
      Workflow.newActivityStub(EnvironmentActivities.class, EnvironmentOptions.STORE);
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
    String recorded = null;
    if (Workflow.getVersion("rollback-records-deployment", Workflow.DEFAULT_VERSION, 1) == 1) {
      recorded = recordWhatRunsNow(request, regions);
    }
    return new EnvironmentRollbackResult(environment, List.copyOf(regions), recorded);
  }

  /**
   * Rewrites the environment's deployment record ({@code deployed.json}) to what its regions run after the
   * rollback, read back from the target (version and digest), so that drift detection does not take an
   * official rollback for drift. Left alone, and said so, when a region failed or the regions disagree.
   */
  private String recordWhatRunsNow(EnvironmentRollbackRequest request, List<RegionStatus> regions) {
    String environment = request.environment().name();
    String outcome;
    if (regions.stream().anyMatch(region -> region.state() == RegionState.FAILED)) {
      outcome = "deployment record left alone: a region failed to roll back";
    } else {
      List<String> names = request.environment().regions();
      Set<String> versions = new LinkedHashSet<>();
      Set<String> digests = new LinkedHashSet<>();
      try {
        RegionsActual actual = environments.readRegions(new RegionsRequest(request.application(), environment,
            request.environment().target(), names));
        for (RegionActual region : actual.regions()) {
          versions.add(region.version() == null ? "nothing" : region.version());
          digests.add(region.digest() == null ? "" : region.digest());
        }
      } catch (ActivityFailure unreadable) {
        // The target cannot say (e.g. not supported): what the rollbacks restored, without a digest.
        regions.forEach(region -> versions.add(region.previousVersion() == null ? "nothing"
            : region.previousVersion()));
        digests.add("");
      }
      if (versions.size() != 1 || versions.contains("nothing")) {
        outcome = "deployment record left alone: the regions run " + String.join(", ", versions);
      } else {
        String version = versions.iterator().next();
        String digest = digests.size() == 1 && !digests.contains("") ? digests.iterator().next() : null;
        deployments.recordDeployment(new RecordDeploymentRequest(Workflow.getInfo().getWorkflowId(),
            request.application(), version, digest, environment, names, request.environment().target()));
        outcome = "recorded " + version + (digest == null ? "" : " (" + digest + ")") + " as deployed in "
            + environment;
      }
    }
    record("rollback", "recorded", request, environment, outcome);
    return outcome;
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
