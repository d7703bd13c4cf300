package dev.gantry.activities.environment;

import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import dev.gantry.workflows.api.environment.RunningReleases;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.gantry.workflows.environment.DestroyChecks;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.util.List;

/**
 * Lists the running releases and promotions positioned in an environment, by search attributes, through
 * the visibility store. A server that cannot list workflows (the Java test server) is a failure
 * ({@link ReleaseLookupActivities#CANNOT_CHECK}), never "nothing runs".
 */
public class RunningReleasesLookup implements ReleaseLookupActivities {
  private final WorkflowClient client;

  public RunningReleasesLookup(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public RunningReleases running(RegionsRequest request) {
    String query = "WorkflowType = 'Release' AND ExecutionStatus = 'Running' AND GantryApplication = '"
        + escape(request.application()) + "' AND GantryEnvironment = '" + escape(request.environment()) + "'";
    try {
      List<String> ids = client.listExecutions(query).map(e -> e.getExecution().getWorkflowId()).toList();
      return new RunningReleases(query, ids);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.UNIMPLEMENTED || code == Status.Code.INVALID_ARGUMENT) {
        throw ApplicationFailure.newNonRetryableFailure("cannot check which releases run in "
            + request.environment() + ": this Temporal server cannot list workflows by search attribute ("
            + code + ": " + e.getStatus().getDescription() + "); refusing rather than assuming none",
            CANNOT_CHECK);
      }
      throw e;
    }
  }

  @Override
  public boolean destroyApproved(RegionsRequest request) {
    return DestroyChecks.approvedDestroyRuns(client, request.application(), request.environment());
  }

  @Override
  public String ownerStopped(String ownerWorkflowId) {
    return DestroyChecks.ownerStopped(client, ownerWorkflowId);
  }

  private static String escape(String value) {
    return value.replace("'", "");
  }
}
