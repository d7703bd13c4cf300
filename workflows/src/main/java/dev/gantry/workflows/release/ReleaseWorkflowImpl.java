package dev.gantry.workflows.release;

import dev.gantry.workflows.api.Approval;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.DeploymentActivities;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.EnvironmentState;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.RecordDeploymentRequest;
import dev.gantry.workflows.api.RegionDeploymentRequest;
import dev.gantry.workflows.api.RegionDeploymentResult;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.ReleaseIds;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.RollbackRequest;
import dev.gantry.workflows.api.RollbackResult;
import dev.gantry.workflows.api.SearchAttributes;
import dev.gantry.workflows.region.RegionDeploymentWorkflow;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Saga;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

public class ReleaseWorkflowImpl implements ReleaseWorkflow {
  private static final Logger log = Workflow.getLogger(ReleaseWorkflowImpl.class);

  private static final ActivityOptions RECORD_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .setMaximumAttempts(10)
                  .setDoNotRetry(Failures.UNSUPPORTED_TARGET)
                  .build())
          .build();

  private final DeploymentActivities records =
      Workflow.newActivityStub(DeploymentActivities.class, RECORD_OPTIONS);
  private final DeploymentActivities rollbacks =
      Workflow.newActivityStub(DeploymentActivities.class, RegionDeploymentWorkflowImpl.ROLLBACK_OPTIONS);

  private final ReleaseRequest request;
  private final ReleaseProgress progress;
  private final ApprovalBook approvals;

  @WorkflowInit
  public ReleaseWorkflowImpl(ReleaseRequest request) {
    this.request = request;
    this.progress = new ReleaseProgress(request);
    this.approvals = new ApprovalBook(request);
  }

  @Override
  public ReleaseStatus run(ReleaseRequest request) {
    progress.log(null, null, "release of " + request.application() + " " + request.version()
        + " (" + request.artifact().digest() + ") started by " + request.requestedBy());
    try {
      for (EnvironmentPlan env : request.environments()) {
        if (env.needsApproval()) {
          awaitApproval(env);
        }
        deployEnvironment(env);
        recordDeployment(env);
      }
    } catch (TemporalFailure failure) {
      // Region failures, an activity out of retries, a timed-out gate, a cancelled release: the status
      // and the search attributes must say the release ended, and why.
      fail(FailureReasons.of(failure));
      throw failure;
    }
    progress.finish(ReleaseState.SUCCEEDED, null);
    progress.log(null, null, "release succeeded: " + request.version() + " runs in "
        + String.join(", ", request.environments().stream().map(EnvironmentPlan::name).toList()));
    publish(null);
    return progress.snapshot();
  }

  @Override
  public void approve(ApprovalSignal signal) {
    ApprovalBook.Decision decision = approvals.consider(signal);
    String approver = signal == null ? null : signal.approver();
    String comment = signal == null ? null : signal.comment();
    progress.approval(new Approval(decision.environment(), approver, comment, ReleaseProgress.now(),
        decision.accepted(), decision.refusal()));
    if (decision.accepted()) {
      progress.log(decision.environment(), null, "approval by " + approver + " accepted"
          + (comment == null || comment.isBlank() ? "" : ": " + comment));
    } else {
      progress.log(decision.environment(), null, "approval refused: " + decision.refusal());
      log.warn("approval refused release={} approver={} reason={}",
          request.releaseId(), approver, decision.refusal());
    }
  }

  @Override
  public ReleaseStatus status() {
    return progress.snapshot();
  }

  private void awaitApproval(EnvironmentPlan env) {
    int needed = env.approval().minApprovalsOrDefault();
    String waitingFor = needed + " approval(s) from " + String.join(", ", env.approval().approvers())
        + ": signal 'approve' with {\"approver\": \"<name>\", \"comment\": \"...\"}";
    approvals.open(env.name());
    progress.environment(env.name(), EnvironmentState.AWAITING_APPROVAL, waitingFor);
    progress.stage(ReleaseState.AWAITING_APPROVAL, "approval:" + env.name());
    progress.log(env.name(), null, "waiting for " + waitingFor);
    publish(env.name());

    Duration timeout = Duration.ofHours(env.approval().timeoutHoursOrDefault());
    boolean approved = Workflow.await(timeout, () -> approvals.satisfied(env));
    if (!approved) {
      throw ApplicationFailure.newNonRetryableFailure(
          env.name() + ": approval gate timed out after " + timeout.toHours() + "h with "
              + approvals.approversOf(env.name()).size() + " of " + needed + " approval(s)",
          Failures.APPROVAL_TIMED_OUT);
    }
    approvals.pass(env.name());
    progress.environment(env.name(), EnvironmentState.PENDING, null);
    progress.log(env.name(), null, "approved by " + String.join(", ", approvals.approversOf(env.name())));
  }

  private void deployEnvironment(EnvironmentPlan env) {
    progress.environment(env.name(), EnvironmentState.DEPLOYING, null);
    progress.stage(ReleaseState.RUNNING, "deploy:" + env.name());
    progress.log(env.name(), null, "deploying " + request.version() + " to " + env.regions().size()
        + " region(s) in " + env.waves().size() + " wave(s)");
    publish(env.name());

    // Parallel compensation is off: undo runs in reverse order of the deploys, primary last.
    Saga saga = new Saga(new Saga.Options.Builder().setContinueWithError(true).build());
    List<String> failures = new ArrayList<>();
    for (List<String> wave : env.waves()) {
      failures.addAll(deployWave(env, wave, saga));
      if (!failures.isEmpty()) {
        break;
      }
    }
    if (failures.isEmpty()) {
      progress.environment(env.name(), EnvironmentState.DEPLOYED, null);
      progress.log(env.name(), null, "all regions healthy on " + request.version());
      return;
    }
    String rollback = rollBack(env, saga);
    progress.environment(env.name(), EnvironmentState.ROLLED_BACK, null);
    throw ApplicationFailure.newNonRetryableFailure(
        env.name() + ": " + String.join("; ", failures) + ". " + rollback, Failures.REGION_FAILED);
  }

  /** Starts every region of the wave at once, waits for all of them, returns the failures. */
  private List<String> deployWave(EnvironmentPlan env, List<String> wave, Saga saga) {
    Map<String, Promise<RegionDeploymentResult>> running = new LinkedHashMap<>();
    for (String region : wave) {
      RegionDeploymentRequest regionRequest = new RegionDeploymentRequest(request.releaseId(),
          request.application(), request.version(), request.artifact(), env.name(), region,
          env.target(), env.healthCheck());
      // The undo is registered before the side effect; it is a no-op where the version never landed.
      saga.addCompensation(() -> undoRegion(env, region));
      RegionDeploymentWorkflow child = Workflow.newChildWorkflowStub(RegionDeploymentWorkflow.class,
          ChildWorkflowOptions.newBuilder()
              .setWorkflowId(ReleaseIds.region(request.releaseId(), env.name(), region))
              .build());
      progress.region(env.name(), region, RegionState.DEPLOYING, null, "deploying " + request.version());
      progress.log(env.name(), region, "deploying " + request.version());
      running.put(region, Async.function(child::deploy, regionRequest));
    }
    List<String> failures = new ArrayList<>();
    for (Map.Entry<String, Promise<RegionDeploymentResult>> entry : running.entrySet()) {
      String region = entry.getKey();
      try {
        RegionDeploymentResult result = entry.getValue().get();
        String detail = (result.alreadyCurrent() ? request.version() + " was already current; " : "")
            + "healthy: " + result.health();
        progress.region(env.name(), region, RegionState.DEPLOYED, result.previousVersion(), detail);
        progress.log(env.name(), region, detail
            + (result.previousVersion() == null ? "" : " (was " + result.previousVersion() + ")"));
      } catch (RuntimeException failure) {
        String reason = FailureReasons.of(failure);
        progress.region(env.name(), region, RegionState.FAILED, null, reason);
        progress.log(env.name(), region, "failed: " + reason);
        failures.add("region " + region + " failed: " + reason);
      }
    }
    return failures;
  }

  private String rollBack(EnvironmentPlan env, Saga saga) {
    progress.log(env.name(), null, "rolling back the regions changed in " + env.name());
    publish(env.name());
    try {
      Workflow.newDetachedCancellationScope(saga::compensate).run();
    } catch (Saga.CompensationException incomplete) {
      progress.log(env.name(), null, "rollback incomplete: " + FailureReasons.of(incomplete)
          + "; manual action needed");
    }
    List<String> rolledBack = new ArrayList<>();
    List<String> stuck = new ArrayList<>();
    for (String region : env.regions()) {
      RegionState state = progress.region(env.name(), region).state();
      if (state == RegionState.ROLLED_BACK) {
        String to = progress.region(env.name(), region).previousVersion();
        rolledBack.add(region + " (to " + (to == null ? "no earlier version" : to) + ")");
      } else if (state == RegionState.DEPLOYED || state == RegionState.ROLLING_BACK) {
        stuck.add(region);
      }
    }
    String summary = rolledBack.isEmpty()
        ? "No other region had been changed."
        : "Rolled back " + String.join(", ", rolledBack) + ".";
    if (!stuck.isEmpty()) {
      summary += " ROLLBACK FAILED in " + String.join(", ", stuck) + ": manual action needed.";
    }
    return summary;
  }

  private void undoRegion(EnvironmentPlan env, String region) {
    if (progress.region(env.name(), region).state() == RegionState.DEPLOYED) {
      progress.region(env.name(), region, RegionState.ROLLING_BACK, null, "rolling back");
    }
    RollbackResult result = rollbacks.rollback(new RollbackRequest(request.releaseId(),
        request.application(), request.version(), env.name(), region, env.target(),
        "another region of " + env.name() + " failed"));
    if (result.changed()) {
      String outcome = FailureReasons.rolledBackTo(result.restoredVersion());
      progress.region(env.name(), region, RegionState.ROLLED_BACK, result.restoredVersion(), outcome);
      progress.log(env.name(), region, outcome);
    }
  }

  private void recordDeployment(EnvironmentPlan env) {
    records.recordDeployment(new RecordDeploymentRequest(request.releaseId(), request.application(),
        request.version(), request.artifact().digest(), env.name(), env.regions(), env.target()));
    progress.log(env.name(), null, "recorded " + request.version() + " as deployed in " + env.name());
  }

  private void fail(String reason) {
    progress.finish(ReleaseState.FAILED, reason);
    progress.log(null, null, "release failed: " + reason);
    log.warn("release failed release={} reason={}", request.releaseId(), reason);
    publish(null);
  }

  /** Search attributes and the UI's current details follow the release's position. */
  private void publish(String environment) {
    List<io.temporal.common.SearchAttributeUpdate<?>> updates = new ArrayList<>();
    updates.add(SearchAttributes.STAGE.valueSet(progress.stage()));
    updates.add(SearchAttributes.STATUS.valueSet(progress.state().name()));
    if (environment != null) {
      updates.add(SearchAttributes.ENVIRONMENT.valueSet(environment));
    }
    Workflow.upsertTypedSearchAttributes(updates.toArray(new io.temporal.common.SearchAttributeUpdate<?>[0]));
    Workflow.setCurrentDetails(currentDetails());
  }

  /** Shown on the workflow's page in the Temporal UI: where the release is and what it needs. */
  private String currentDetails() {
    StringBuilder details = new StringBuilder()
        .append("**").append(request.application()).append(' ').append(request.version())
        .append("**: ").append(progress.state()).append(" (").append(progress.stage()).append(")\n\n");
    for (var env : progress.snapshot().environments()) {
      details.append("- ").append(env.environment()).append(": ").append(env.state());
      if (env.waitingFor() != null) {
        details.append(" (waiting for ").append(env.waitingFor()).append(')');
      }
      details.append('\n');
    }
    return details.toString();
  }
}
