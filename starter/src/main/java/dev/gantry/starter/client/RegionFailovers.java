package dev.gantry.starter.client;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import dev.gantry.workflows.failover.TrafficOwnerWorkflow;
import dev.gantry.workflows.release.FailureReasons;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import java.util.List;
import java.util.function.Supplier;

/**
 * The traffic owner of an application's DNS name ({@code traffic/<app>/<dns name>}): start it, drain a
 * region, approve a failback, read its status. One owner per name writes Route 53; every region command
 * goes through it.
 */
public class RegionFailovers {
  private final WorkflowClient client;
  /** Signs drains and failback approvals (needed where the environment requires signed actors), or null. */
  private final ActorSigner signer;

  public RegionFailovers(WorkflowClient client) {
    this(client, null);
  }

  public RegionFailovers(WorkflowClient client, ActorSigner signer) {
    this.client = client;
    this.signer = signer;
  }

  /** The owner's workflow id for this environment's DNS name. */
  public static String ownerId(String application, EnvironmentPlan environment) {
    return ReleaseIds.traffic(application, recordName(environment));
  }

  /** Starts the owner unless it runs already; returns its workflow id. */
  public String watch(String application, EnvironmentPlan environment, Integer pollSeconds) {
    TrafficOwnerWorkflow owner = starter(application, environment);
    try {
      WorkflowClient.start(owner::own, request(application, environment, pollSeconds));
    } catch (WorkflowExecutionAlreadyStarted running) {
      // already owned: fine
    }
    return ownerId(application, environment);
  }

  /** Drains a region now, starting the owner if needed (update-with-start): refused at once if it may not. */
  public TrafficDecision drain(String application, EnvironmentPlan environment, String region, String by,
      String reason, Integer pollSeconds) {
    requireRegion(environment, region);
    TrafficOwnerWorkflow owner = starter(application, environment);
    WithStartWorkflowOperation<TrafficOwnerStatus> start =
        new WithStartWorkflowOperation<>(owner::own, request(application, environment, pollSeconds));
    return refusedAsGantry("drain", () -> WorkflowClient.executeUpdateWithStart(owner::drain,
        new TrafficCommand(region, by, reason, token(application, environment, ActorTokens.DRAIN, region, by)),
        UpdateOptions.<TrafficDecision>newBuilder().setWaitForStage(WorkflowUpdateStage.COMPLETED).build(), start));
  }

  public TrafficDecision failback(String application, EnvironmentPlan environment, String region, String approver,
      String comment) {
    requireRegion(environment, region);
    return call(application, environment, () -> refusedAsGantry("failback approval",
        () -> stub(application, environment).submitFailbackApproval(new TrafficFailback(region, approver, comment,
            token(application, environment, ActorTokens.FAILBACK, region, approver)))));
  }

  public TrafficOwnerStatus status(String application, EnvironmentPlan environment) {
    return call(application, environment, () -> stub(application, environment).status());
  }

  /** The sender's token for one drain or failback of this owner's region, or null without a signing key. */
  private String token(String application, EnvironmentPlan environment, String action, String region, String who) {
    return signer == null || who == null ? null : signer.sign(ownerId(application, environment), environment.name(),
        ActorTokens.NO_ARTIFACT, action, region, who);
  }

  private TrafficOwnerWorkflow starter(String application, EnvironmentPlan environment) {
    String id = ownerId(application, environment);
    return client.newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING)
            .setStaticSummary("traffic owner of " + recordName(environment) + " (" + application + "/"
                + environment.name() + ")")
            .build());
  }

  private static TrafficOwnerRequest request(String application, EnvironmentPlan environment, Integer pollSeconds) {
    return TrafficOwnerRequest.forEnvironment(application, environment, pollSeconds, null);
  }

  private TrafficOwnerWorkflow stub(String application, EnvironmentPlan environment) {
    return client.newWorkflowStub(TrafficOwnerWorkflow.class, ownerId(application, environment));
  }

  private static String recordName(EnvironmentPlan environment) {
    if (environment.target() == null || environment.target().aws() == null
        || environment.target().aws().route53() == null || environment.target().aws().route53().recordName() == null) {
      throw new IllegalArgumentException(environment.name() + " has no target.aws.route53 section: without"
          + " Route 53 records there is no traffic to move");
    }
    return environment.target().aws().route53().recordName();
  }

  private static void requireRegion(EnvironmentPlan environment, String region) {
    if (!environment.regions().contains(region)) {
      throw new IllegalArgumentException(region + " is not a region of " + environment.name() + " ("
          + String.join(", ", environment.regions()) + ")");
    }
  }

  private static TrafficDecision refusedAsGantry(String what, Supplier<TrafficDecision> call) {
    try {
      return call.get();
    } catch (WorkflowUpdateException refused) {
      throw new GantryException("the " + what + " was refused: " + FailureReasons.of(refused));
    }
  }

  private <T> T call(String application, EnvironmentPlan environment, Supplier<T> call) {
    String id = ownerId(application, environment);
    try {
      // a query or update of a watch needs a worker: say so now, not after the call's deadline
      Workers.require(client, TaskQueues.RELEASE, "the failover watch " + id);
      return call.get();
    } catch (WorkflowNotFoundException missing) {
      throw notOwned(id, application, environment);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        throw notOwned(id, application, environment);
      }
      throw new GantryException("Temporal refused the call for " + id + ": " + e.getStatus(), e);
    } catch (io.temporal.client.WorkflowException e) {
      for (Throwable cause = e; cause != null; cause = cause.getCause()) {
        if (cause instanceof StatusRuntimeException status && status.getStatus().getCode() == Status.Code.NOT_FOUND) {
          throw notOwned(id, application, environment);
        }
      }
      throw new GantryException("the call to " + id + " failed: " + dev.gantry.workflows.api.input.MessageLimits.cut(
          FailureReasons.of(e), 300), e);
    }
  }

  private static GantryException notOwned(String id, String application, EnvironmentPlan environment) {
    return new GantryException("no traffic owner " + id + " is running: start it with `gantry region watch "
        + application + " " + environment.name() + " --spec <release.yaml>`");
  }

  /** Commands run on the worker's machine; the owner only carries an HTTP check (or none). */
}
