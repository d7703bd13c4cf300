package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;

/**
 * What a destroy and the traffic owner ask Temporal about each other (from activities, through the worker's own
 * client): whether the environment's destroy runs past its approvals, and whether the owner has stopped.
 */
public final class DestroyChecks {
  /** The owner still runs and has not stopped: retried until it has, or the destroy gives up. */
  public static final String OWNER_RUNNING = "TrafficOwnerStillRunning";

  private DestroyChecks() {}

  /**
   * Whether {@code env-destroy/<app>/<env>} is an {@code EnvironmentDecommission} that runs and is past its
   * approvals (its {@code stage} query). Gantry's worker gets there only approved (or expired), so a client cannot
   * fake it by starting one; a process with a worker's rights on the namespace could, as it could run any workflow.
   */
  public static boolean approvedDestroyRuns(WorkflowClient client, String application, String environment) {
    try {
      WorkflowStub destroy = client.newUntypedWorkflowStub(ReleaseIds.destroy(application, environment));
      var described = destroy.describe();
      if (described.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          || !EnvironmentDecommissionWorkflow.TYPE.equals(described.getWorkflowType())) {
        return false;
      }
      return EnvironmentDecommissionWorkflow.APPROVED_STAGES.contains(destroy.query("stage", String.class));
    } catch (WorkflowNotFoundException notThere) {
      return false;
    }
  }

  /**
   * How the traffic owner {@code ownerId} stands once it no longer writes weights ("stopped", "not running"); a
   * retryable failure ({@link #OWNER_RUNNING}) while it still runs and has not accepted a stop.
   */
  public static String ownerStopped(WorkflowClient client, String ownerId) {
    try {
      WorkflowStub owner = client.newUntypedWorkflowStub(ownerId);
      if (owner.describe().getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return "not running";
      }
      if (owner.query("status", TrafficOwnerStatus.class).stopped()) {
        return "stopped";
      }
    } catch (WorkflowNotFoundException notThere) {
      return "not running";
    }
    throw ApplicationFailure.newFailure("the traffic owner " + ownerId + " has not stopped yet", OWNER_RUNNING);
  }
}
