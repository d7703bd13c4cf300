package dev.gantry.starter.client;

import dev.gantry.starter.client.GantryClient.Attempt;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.release.FailureReasons;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowServiceException;
import io.temporal.client.WorkflowTargetOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The runs of one release or promotion id: a promotion that failed or was refused may be attempted again. */
final class ReleaseAttempts {
  private final WorkflowClient client;

  ReleaseAttempts(WorkflowClient client) {
    this.client = client;
  }

  /**
   * Every attempt of a promotion (or release) id, oldest first: each run is listed by the visibility store.
   * A server that cannot list (the Java test server) gives the latest run only.
   */
  List<Attempt> of(String releaseId) {
    String id = GantryClient.normalize(releaseId);
    List<WorkflowExecutionMetadata> runs;
    try {
      runs = new ArrayList<>(client.listExecutions("WorkflowId = '" + id.replace("'", "") + "'").toList());
    } catch (StatusRuntimeException | WorkflowServiceException cannotList) {
      runs = new ArrayList<>();
      try {
        runs.add(client.newUntypedWorkflowStub(id).describe());
      } catch (WorkflowNotFoundException missing) {
        return List.of();
      }
    }
    runs.sort(Comparator.comparing(WorkflowExecutionMetadata::getStartTime));
    List<Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      var run = runs.get(i);
      String reason = null;
      if (run.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED) {
        try {
          client.newUntypedWorkflowStub(WorkflowTargetOptions.newBuilder()
                  .setWorkflowId(id).setRunId(run.getExecution().getRunId()).build())
              .getResult(1, TimeUnit.SECONDS, ReleaseStatus.class);
        } catch (WorkflowFailedException failed) {
          reason = MessageLimits.cut(FailureReasons.of(failed), ReleaseExecution.REASON_CHARS);
        } catch (RuntimeException | TimeoutException other) {
          reason = null;
        }
      }
      attempts.add(new Attempt(i + 1, run.getExecution().getRunId(), run.getStatus(),
          run.getStartTime() == null ? null : run.getStartTime().toString(),
          run.getCloseTime() == null ? null : run.getCloseTime().toString(), reason));
    }
    return attempts;
  }
}
