package dev.gantry.activities.lock;

import dev.gantry.workflows.api.lock.LockActivities;
import dev.gantry.workflows.api.lock.LockRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;

/** Asks Temporal whether a lock's holder (one release run) still runs. */
public class LockHolderLookup implements LockActivities {
  private final WorkflowClient client;

  public LockHolderLookup(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public boolean holderRunning(LockRequest holder) {
    WorkflowExecution execution = WorkflowExecution.newBuilder().setWorkflowId(holder.releaseId())
        .setRunId(holder.runId() == null ? "" : holder.runId()).build();
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
}
