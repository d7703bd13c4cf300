package dev.gantry.workflows.region;

import static dev.gantry.workflows.support.VersionMarkers.CANCELLABLE_REGION;
import static dev.gantry.workflows.support.VersionMarkers.HEALTH_CHECK_SURVIVES_WORKER_LOSS;
import static dev.gantry.workflows.support.VersionMarkers.PROGRESSIVE_ROLLOUT;

import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RegionDeploymentRequest;
import dev.gantry.workflows.api.deploy.RegionDeploymentResult;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.CanaryCommandResult;
import dev.gantry.workflows.api.signing.VerificationResult;
import dev.gantry.workflows.api.signing.VerifyRequest;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.signing.SignatureGate;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;

public class RegionDeploymentWorkflowImpl implements RegionDeploymentWorkflow {
  private static final Logger log = Workflow.getLogger(RegionDeploymentWorkflowImpl.class);

  static final ActivityOptions DEPLOY_OPTIONS = ActivityOptionsCatalogue.DEPLOY;

  /** A rollback must get through: it is retried far longer than a deploy. */
  static final ActivityOptions ROLLBACK_OPTIONS = ActivityOptionsCatalogue.ROLLBACK;

  static final int LOST_WORKER_RETRIES = 3;

  /** A lost worker is noticed within this; a cancellation reaches the activity within about 0.8 x this. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(10);
  /**
   * A health check's activity may run this much longer than the check's own deadline
   * ({@code timeoutSeconds}, enforced inside the activity): its start-to-close timeout is a worker problem,
   * never the check's verdict.
   */
  static final Duration HEALTH_ACTIVITY_SLACK = Duration.ofSeconds(60);

  private DeploymentActivities deployments =
      Workflow.newActivityStub(DeploymentActivities.class, DEPLOY_OPTIONS);
  private final DeploymentActivities rollbacks =
      Workflow.newActivityStub(DeploymentActivities.class, ROLLBACK_OPTIONS);
  private DeploymentActivities healthChecks;
  private boolean cancellable;

  private RegionStatus status;
  /** The progressive rollout in this region, or null (all at once). */
  private Rollout rollout;

  @WorkflowInit
  public RegionDeploymentWorkflowImpl(RegionDeploymentRequest request) {
    this.status = new RegionStatus(request.region(), RegionState.PENDING, null, null);
    this.healthChecks =
        Workflow.newActivityStub(DeploymentActivities.class, healthCheckOptions(request.healthCheck()));
  }

  @Override
  public RegionDeploymentResult deploy(RegionDeploymentRequest request) {
    String where = request.environment() + "/" + request.region();
    cancellable = Workflow.getVersion(CANCELLABLE_REGION, Workflow.DEFAULT_VERSION, 1) >= 1;
    if (cancellable) {
      deployments = Workflow.newActivityStub(DeploymentActivities.class, cancellable(DEPLOY_OPTIONS));
      healthChecks = Workflow.newActivityStub(DeploymentActivities.class,
          cancellableHealthCheckOptions(request.healthCheck()));
    }
    verifySignatures(request);
    status = new RegionStatus(request.region(), RegionState.DEPLOYING, null, "deploying " + request.version());
    DeployResult deployed = null;
    try {
      if (request.rollout() != null && request.rollout().progressive()) {
        // Only releases whose environment has a rollout take this path: a default release writes no marker.
        Workflow.getVersion(PROGRESSIVE_ROLLOUT, Workflow.DEFAULT_VERSION, 1);
        rollout = new Rollout(request, this::setStatus, cancellable);
        deployed = rollout.deployDark();
        if (!deployed.alreadyCurrent()) {
          return rollout.run(deployed);
        }
      } else {
        deployed = deployments.deploy(request.toDeploy());
      }
      status = new RegionStatus(request.region(), RegionState.DEPLOYING, deployed.previousVersion(),
          "checking health of " + request.version());
      HealthCheckResult health = checkHealth(request);
      status = new RegionStatus(request.region(), RegionState.DEPLOYED, deployed.previousVersion(),
          health.detail());
      log.info("region deployed release={} where={} version={} previous={}",
          request.releaseId(), where, request.version(), deployed.previousVersion());
      return new RegionDeploymentResult(request.region(), request.version(),
          deployed.previousVersion(), deployed.alreadyCurrent(), health.detail());
    } catch (RuntimeException failure) {
      if (cancellable && CancellationScope.current().isCancelRequested()) {
        cancelled(request, deployed);
        throw failure; // the region ends CANCELLED; the release's compensation rolls it back
      }
      String reason = FailureReasons.of(failure);
      if (deployed != null && deployed.alreadyCurrent()) {
        // The version was live before this release: rolling it back would undo someone else's deploy.
        status = new RegionStatus(request.region(), RegionState.FAILED, deployed.previousVersion(),
            reason + "; left unchanged (" + request.version() + " ran there before this release)");
        throw ApplicationFailure.newNonRetryableFailure(reason + "; left unchanged: " + request.version()
            + " ran there before this release", Failures.REGION_FAILED);
      }
      if (rollout != null) {
        rollout.failed(reason);
      }
      RollbackResult undone = leaveAsFound(request, reason);
      String outcome = undone.changed()
          ? FailureReasons.rolledBackTo(undone.restoredVersion())
          : "left unchanged";
      status = new RegionStatus(request.region(), RegionState.FAILED, undone.restoredVersion(),
          reason + "; " + outcome, rollout == null ? null : rollout.status());
      log.warn("region failed release={} where={} reason={} outcome={}",
          request.releaseId(), where, reason, outcome);
      throw ApplicationFailure.newNonRetryableFailure(reason + "; " + outcome, Failures.REGION_FAILED);
    }
  }

  /**
   * The last check before the bytes move: the same policy as the environment's gate, in this region.
   * A request without a policy comes from a release started before signature gates existed.
   */
  private void verifySignatures(RegionDeploymentRequest request) {
    if (request.verification() == null || !request.verification().required()) {
      return;
    }
    status = new RegionStatus(request.region(), RegionState.DEPLOYING, null, "verifying the artifact's signature");
    try {
      VerificationResult verified = new SignatureGate().verify(new VerifyRequest(request.releaseId(),
          Workflow.getInfo().getRunId(), request.artifact(), request.signatures(), request.verification(),
          request.environment(), request.region()));
      log.info("region signature verified release={} region={} key={}",
          request.releaseId(), request.region(), verified.keyId());
    } catch (TemporalFailure failure) {
      String reason = "signature rejected before the deploy: " + FailureReasons.of(failure) + "; left unchanged";
      status = new RegionStatus(request.region(), RegionState.FAILED, null, reason);
      throw ApplicationFailure.newNonRetryableFailure(reason, Failures.REGION_FAILED);
    }
  }

  /**
   * A health check whose worker died (SIGKILL, OOM, a lost node) is not a verdict on the region: its
   * heartbeat stops and it times out by heartbeat; a worker that hangs past the check's own deadline times
   * out by start-to-close. Any timeout of the activity itself (the check's deadline is enforced inside it, as
   * a failed check) starts the check again, up to {@link #LOST_WORKER_RETRIES} times, instead of failing
   * (and rolling back) a healthy region, whatever {@code timeoutSeconds} is. Behind
   * {@code Workflow.getVersion}, asked only on that failure, so histories without it replay unchanged.
   */
  private HealthCheckResult checkHealth(RegionDeploymentRequest request) {
    return surviveLostWorker(() -> healthChecks.checkHealth(request.toHealthCheck()), "health check",
        request, cancellable);
  }

  /** Runs a check again when its activity timed out (a lost or hung worker), never when the check failed. */
  static <T> T surviveLostWorker(Supplier<T> check, String what, RegionDeploymentRequest request,
      boolean anyTimeout) {
    for (int lost = 0; ; lost++) {
      try {
        return check.get();
      } catch (ActivityFailure failure) {
        if (!(failure.getCause() instanceof TimeoutFailure timeout)
            || !lostWorker(timeout, anyTimeout)
            || lost >= LOST_WORKER_RETRIES
            || CancellationScope.current().isCancelRequested()
            || Workflow.getVersion(HEALTH_CHECK_SURVIVES_WORKER_LOSS, Workflow.DEFAULT_VERSION, 1) < 1) {
          throw failure;
        }
        log.warn("{} lost its worker release={} region={} ({}): checking again", what, request.releaseId(),
            request.region(), timeout.getTimeoutType());
      }
    }
  }

  /**
   * Heartbeat: the worker died. Start-to-close: the activity outlived the check's own deadline plus
   * {@link #HEALTH_ACTIVITY_SLACK}, so its worker hung. Only regions with the {@code cancellable-region}
   * version (whose checks have that slack) count the latter: a history recorded before it failed the region
   * on a start-to-close timeout and must replay so, even where a heartbeat timeout earlier had recorded the
   * lost-worker marker.
   */
  private static boolean lostWorker(TimeoutFailure timeout, boolean anyTimeout) {
    return timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_HEARTBEAT
        || (anyTimeout && (timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE
            || timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START));
  }

  /**
   * The release cancelled this region (a sibling of its wave failed, or the release was aborted). The
   * running activity has stopped (its cancellation completed, so nothing is still being changed); the
   * region is rolled back by the release's compensation, in a detached scope, which then knows and shows
   * what it undid (a cancelled child workflow can tell its parent nothing but that it was cancelled).
   */
  private void cancelled(RegionDeploymentRequest request, DeployResult deployed) {
    if (rollout != null) {
      rollout.failed("cancelled");
    }
    status = new RegionStatus(request.region(), RegionState.FAILED,
        deployed == null ? null : deployed.previousVersion(),
        "cancelled by the release (a region of the wave failed, or the release was aborted): the release rolls"
            + " this region back", rollout == null ? null : rollout.status());
    log.warn("region cancelled release={} region={}", request.releaseId(), request.region());
  }

  @Override
  public RegionStatus status() {
    return status;
  }

  private void setStatus(RegionStatus status) {
    this.status = status;
  }

  @Override
  public void promote(CanaryCommand command) {
    signal(command, CanaryCommand.PROMOTE);
  }

  @Override
  public void abort(CanaryCommand command) {
    signal(command, CanaryCommand.ABORT);
  }

  @Override
  public void pause(CanaryCommand command) {
    signal(command, CanaryCommand.PAUSE);
  }

  @Override
  public void resume(CanaryCommand command) {
    signal(command, CanaryCommand.RESUME);
  }

  /** A signal never fails: a command that cannot apply is refused and the refusal shows in the status. */
  private void signal(CanaryCommand command, String action) {
    CanaryCommand named = command == null ? new CanaryCommand(action, null, null, "empty message")
        : command.as(action);
    if (rollout == null) {
      log.warn("canary command refused region={} action={}: no progressive rollout here", status.region(), action);
      return;
    }
    String refusal = rollout.refusal(named);
    if (refusal != null) {
      rollout.refused(named, refusal);
      return;
    }
    rollout.accept(named);
  }

  @Override
  public CanaryCommandResult command(CanaryCommand command) {
    String outcome = rollout.accept(command);
    return new CanaryCommandResult(status.region(), command.action(), outcome, rollout.status());
  }

  @Override
  public void validateCommand(CanaryCommand command) {
    if (command == null) {
      throw new IllegalArgumentException("empty command: send {\"action\": \"promote\", \"by\": \"<name>\","
          + " \"reason\": \"...\"}");
    }
    if (rollout == null) {
      throw new IllegalArgumentException(status.region() + " has no progressive rollout in progress (state "
          + status.state() + ")");
    }
    String refusal = rollout.refusal(command);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  /** Undo in a detached scope so that a cancelled release still cleans up after itself. */
  private RollbackResult leaveAsFound(RegionDeploymentRequest request, String reason) {
    status = new RegionStatus(request.region(), RegionState.ROLLING_BACK, null, reason);
    RollbackResult[] result = new RollbackResult[1];
    Workflow.newDetachedCancellationScope(
            () -> result[0] = rollbacks.rollback(request.toRollback(reason)))
        .run();
    return result[0];
  }

  /** The same options, waiting for a cancellation to complete, heartbeating every {@link #HEARTBEAT}. */
  static ActivityOptions cancellable(ActivityOptions options) {
    return ActivityOptions.newBuilder(options)
        .setHeartbeatTimeout(HEARTBEAT)
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .build();
  }

  /**
   * A check's own deadline ({@code timeoutSeconds}) is enforced inside the activity and fails the check;
   * the activity's start-to-close timeout is {@link #HEALTH_ACTIVITY_SLACK} longer, so it only fires for a
   * hung worker, and a dead worker is noticed by heartbeat within {@link #HEARTBEAT}, for every timeout.
   */
  static ActivityOptions cancellableHealthCheckOptions(HealthCheck check) {
    return ActivityOptions.newBuilder(cancellable(healthCheckOptions(check)))
        .setStartToCloseTimeout(Duration.ofSeconds(check.timeoutSecondsOrDefault()).plus(HEALTH_ACTIVITY_SLACK))
        .build();
  }

  static ActivityOptions healthCheckOptions(HealthCheck check) {
    return ActivityOptionsCatalogue.healthCheck(check);
  }
}
