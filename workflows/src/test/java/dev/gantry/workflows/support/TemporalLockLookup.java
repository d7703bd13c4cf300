package dev.gantry.workflows.support;

import dev.gantry.workflows.api.lock.LockActivities;
import dev.gantry.workflows.api.lock.LockClaims;
import dev.gantry.workflows.api.lock.LockRequest;
import dev.gantry.workflows.api.lock.LockState;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;

/**
 * The lock's questions answered from the test server, as the worker's {@code LockHolderLookup} answers them from
 * Temporal (that one lives in the activities module, which these tests do not see).
 */
public final class TemporalLockLookup implements LockActivities {
  private final WorkflowClient client;

  public TemporalLockLookup(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public boolean holderRunning(LockRequest holder) {
    return running(stub(holder.releaseId(), holder.runId()));
  }

  @Override
  public LockClaims claims(LockRequest run) {
    WorkflowStub stub = stub(run.releaseId(), run.runId());
    return running(stub) ? stub.query("lockClaims", LockClaims.class) : LockClaims.gone();
  }

  @Override
  public LockState state(String lockId) {
    WorkflowStub stub = stub(lockId, null);
    return running(stub) ? stub.query("state", LockState.class) : null;
  }

  private WorkflowStub stub(String workflowId, String runId) {
    return client.newUntypedWorkflowStub(io.temporal.client.WorkflowTargetOptions.newBuilder()
        .setWorkflowId(workflowId).setRunId(runId).build());
  }

  private static boolean running(WorkflowStub stub) {
    try {
      return stub.describe().getWorkflowExecutionInfo().getStatus()
          == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    } catch (WorkflowException | io.grpc.StatusRuntimeException notFound) {
      return false;
    }
  }
}
