package dev.gantry.starter.client;

import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.region.RegionDeploymentWorkflow;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowQueryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a release is: its {@code status} query, corrected by what Temporal knows of its execution, with
 * the live rollout of each deploying region read from the region's own workflow.
 */
final class ReleaseStatuses {
  /** How long a status query is asked again while the release's last workflow task has failed. */
  private static final Duration FAILED_TASK_PATIENCE = Duration.ofSeconds(15);

  private final WorkflowClient client;
  private final ReleaseCalls calls;

  ReleaseStatuses(WorkflowClient client, ReleaseCalls calls) {
    this.client = client;
    this.calls = calls;
  }

  /**
   * Where the release is, in its own words (the {@code status} query) corrected by Temporal's: a release
   * that Temporal terminated, timed out or cancelled shows as such, even though it never said so itself.
   * A closed release whose query does not answer (no worker, a result too large to read) shows what
   * Temporal knows of it, and why the query failed.
   */
  ReleaseStatus status(String releaseId) {
    String id = GantryClient.normalize(releaseId);
    ReleaseExecution execution = calls.execution(id);
    ReleaseStatus said;
    try {
      calls.requireWorker(TaskQueues.RELEASE, "the status query of " + id);
      said = calls.onRelease(id, "status query", () -> queryStatus(id));
    } catch (GantryException unanswered) {
      if (!execution.closed() || unanswered instanceof ServerUnavailableException) {
        throw unanswered;
      }
      return execution.withoutQuery(unanswered instanceof NoWorkerException noWorker
          ? "no worker is polling task queue " + noWorker.taskQueue() : unanswered.getMessage());
    }
    return withRollouts(execution.reconcile(said));
  }

  /**
   * The status query, asked again for a while when Temporal refuses it because the release's last workflow
   * task failed or timed out: Temporal retries the task (a worker busy with a burst of large signals, a
   * worker that restarted), and the release answers once it has run.
   */
  private ReleaseStatus queryStatus(String id) {
    long deadline = System.nanoTime() + FAILED_TASK_PATIENCE.toNanos();
    while (true) {
      try {
        return client.newWorkflowStub(ReleaseWorkflow.class, id).status();
      } catch (WorkflowQueryException refused) {
        if (!lastTaskFailed(refused) || System.nanoTime() > deadline) {
          throw refused;
        }
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw refused;
        }
      }
    }
  }

  private static boolean lastTaskFailed(Throwable refused) {
    for (Throwable cause = refused; cause != null; cause = cause.getCause()) {
      if (cause instanceof StatusRuntimeException status) {
        return status.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
      }
    }
    return false;
  }

  /**
   * A region in a progressive rollout keeps its step, weight and analysis in its own workflow (the child
   * {@code release/<app>/<version>/<env>/<region>}), so that steps cost the release's history nothing:
   * the client asks each deploying region and shows its answer in place of the release's line.
   */
  ReleaseStatus withRollouts(ReleaseStatus status) {
    if (status == null || status.environments() == null) {
      return status;
    }
    List<EnvironmentStatus> environments = new ArrayList<>();
    boolean changed = false;
    for (EnvironmentStatus env : status.environments()) {
      List<RegionStatus> regions = new ArrayList<>();
      for (RegionStatus region : env.regions()) {
        RegionStatus live = region;
        if (region.state() == RegionState.DEPLOYING) {
          try {
            RegionStatus child = client.newWorkflowStub(RegionDeploymentWorkflow.class,
                ReleaseIds.region(status.releaseId(), env.environment(), region.region())).status();
            if (child != null && child.rollout() != null) {
              live = new RegionStatus(region.region(), region.state(), region.previousVersion(), child.detail(),
                  child.rollout());
              changed = true;
            }
          } catch (RuntimeException notThere) {
            // not started yet, or no worker answers: the release's own line stands
          }
        }
        regions.add(live);
      }
      environments.add(new EnvironmentStatus(env.environment(), env.state(), regions, env.waitingFor()));
    }
    if (!changed) {
      return status;
    }
    return new ReleaseStatus(status.releaseId(), status.application(), status.version(), status.artifactDigest(),
        status.requestedBy(), status.state(), status.stage(), environments, status.approvals(), status.timeline(),
        status.startedAt(), status.finishedAt(), status.failureReason(), status.overrides(), status.gates(),
        status.signatures(), status.policy(), status.omitted(), status.auditHead());
  }
}
