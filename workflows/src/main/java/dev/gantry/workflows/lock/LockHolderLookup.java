package dev.gantry.workflows.lock;

import dev.gantry.workflows.api.lock.LockActivities;
import dev.gantry.workflows.api.lock.LockClaims;
import dev.gantry.workflows.api.lock.LockRequest;
import dev.gantry.workflows.api.lock.LockState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowQueryException;
import io.temporal.client.WorkflowTargetOptions;

/**
 * Asks Temporal, not a signal: whether a lock's holder (one release run) still runs, what a release's run says of
 * its locks, and what a lock holds. The {@code LockActivities} of the worker. It lives beside the lock workflow,
 * not in the activities module, because it needs nothing but the Temporal client: the workflow tests register
 * this same class against the test server instead of a copy of it.
 */
public class LockHolderLookup implements LockActivities {
  private final WorkflowClient client;

  public LockHolderLookup(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public boolean holderRunning(LockRequest holder) {
    return running(holder.releaseId(), holder.runId());
  }

  /** Whether that run (the latest, without a run id) is running. */
  private boolean running(String workflowId, String runId) {
    WorkflowExecution execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId)
        .setRunId(runId == null ? "" : runId).build();
    try {
      var described = client.getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
          DescribeWorkflowExecutionRequest.newBuilder().setNamespace(client.getOptions().getNamespace())
              .setExecution(execution).build());
      return described.getWorkflowExecutionInfo().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false; // its run is gone (retention), so it runs no more
      }
      throw e; // retried: a lock never frees a holder it cannot see
    }
  }

  @Override
  public LockClaims claims(LockRequest run) {
    if (!holderRunning(run)) {
      return LockClaims.gone();
    }
    try {
      LockClaims claims = client.newUntypedWorkflowStub(WorkflowTargetOptions.newBuilder()
          .setWorkflowId(run.releaseId()).setRunId(run.runId()).build()).query("lockClaims", LockClaims.class);
      return claims == null ? LockClaims.unknown() : claims;
    } catch (WorkflowNotFoundException gone) {
      return LockClaims.gone();
    } catch (WorkflowQueryException unknownQuery) {
      // a run of a workflow that has no lockClaims query (not a release of this version): it cannot say
      return LockClaims.unknown();
    }
  }

  @Override
  public LockState state(String lockId) {
    if (!running(lockId, null)) {
      return null;
    }
    try {
      return client.newUntypedWorkflowStub(lockId).query("state", LockState.class);
    } catch (WorkflowNotFoundException gone) {
      return null;
    }
  }
}
