package dev.gantry.starter.client;

import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.ReleaseIds;
import dev.gantry.workflows.api.TaskQueues;
import dev.gantry.workflows.api.traffic.FailbackApproval;
import dev.gantry.workflows.api.traffic.FailoverCommand;
import dev.gantry.workflows.api.traffic.FailoverDecision;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
import dev.gantry.workflows.failover.RegionFailoverWorkflow;
import dev.gantry.workflows.release.FailureReasons;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The failover watches of regions ({@code failover/<app>/<env>/<region>}): start one, fail a region over
 * by hand, approve its failback, read its status.
 */
public class RegionFailovers {
  private final WorkflowClient client;

  public RegionFailovers(WorkflowClient client) {
    this.client = client;
  }

  /** Starts the watch unless it runs already; returns its workflow id. */
  public String watch(String application, EnvironmentPlan environment, String region, Integer pollSeconds) {
    if (!environment.regions().contains(region)) {
      throw new IllegalArgumentException(region + " is not a region of " + environment.name() + " ("
          + String.join(", ", environment.regions()) + ")");
    }
    if (environment.target().aws() == null || environment.target().aws().route53() == null) {
      throw new IllegalArgumentException(environment.name() + " has no target.aws.route53 section: without"
          + " Route 53 records there is no traffic to move");
    }
    String id = ReleaseIds.failover(application, environment.name(), region);
    List<String> approvers = environment.approval() == null || environment.approval().approvers() == null
        ? List.of() : environment.approval().approvers();
    RegionFailoverRequest request = new RegionFailoverRequest(application, environment.name(), region,
        environment.regions(), environment.target(), urlOnly(environment), pollSeconds, approvers, null);
    RegionFailoverWorkflow watch = client.newWorkflowStub(RegionFailoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setStaticSummary("failover watch of " + region + " (" + application + "/" + environment.name() + ")")
            .build());
    try {
      WorkflowClient.start(watch::watch, request);
    } catch (WorkflowExecutionAlreadyStarted running) {
      // already watching: fine
    }
    return id;
  }

  public FailoverDecision failover(String application, String environment, String region, String by, String reason) {
    return update(application, environment, region, "failover",
        () -> stub(application, environment, region).submitFailover(new FailoverCommand(by, reason)));
  }

  public FailoverDecision failback(String application, String environment, String region, String approver,
      String comment) {
    return update(application, environment, region, "failback approval",
        () -> stub(application, environment, region).submitFailbackApproval(new FailbackApproval(approver, comment)));
  }

  public RegionFailoverStatus status(String application, String environment, String region) {
    return call(application, environment, region, () -> stub(application, environment, region).status());
  }

  private RegionFailoverWorkflow stub(String application, String environment, String region) {
    return client.newWorkflowStub(RegionFailoverWorkflow.class,
        ReleaseIds.failover(application, environment, region));
  }

  private FailoverDecision update(String application, String environment, String region, String what,
      Supplier<FailoverDecision> call) {
    return call(application, environment, region, () -> {
      try {
        return call.get();
      } catch (WorkflowUpdateException refused) {
        throw new GantryException("the " + what + " was refused: " + FailureReasons.of(refused));
      }
    });
  }

  private <T> T call(String application, String environment, String region, Supplier<T> call) {
    String id = ReleaseIds.failover(application, environment, region);
    try {
      // a query or update of a watch needs a worker: say so now, not after the call's deadline
      Workers.require(client, TaskQueues.RELEASE, "the failover watch " + id);
      return call.get();
    } catch (WorkflowNotFoundException missing) {
      throw notWatched(id, application, environment, region);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw notWatched(id, application, environment, region);
      }
      throw new GantryException("Temporal refused the call for " + id + ": " + e.getStatus(), e);
    } catch (io.temporal.client.WorkflowException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof StatusRuntimeException status && status.getStatus().getCode() == Status.Code.NOT_FOUND) {
          throw notWatched(id, application, environment, region);
        }
      }
      throw new GantryException("the call to " + id + " failed: " + dev.gantry.workflows.api.MessageLimits.cut(
          FailureReasons.of(e), 300), e);
    }
  }

  private static GantryException notWatched(String id, String application, String environment, String region) {
    return new GantryException("no failover watch " + id + " is running: start it with `gantry region watch "
        + application + " " + environment + " " + region + " --spec <release.yaml>`");
  }

  /** Commands run on the worker's machine; a watch only carries an HTTP check (or none). */
  private static dev.gantry.workflows.api.HealthCheck urlOnly(EnvironmentPlan environment) {
    var check = environment.healthCheck();
    return check == null ? null : new dev.gantry.workflows.api.HealthCheck(null, check.url(),
        check.timeoutSeconds(), check.attempts(), check.intervalSeconds());
  }
}
