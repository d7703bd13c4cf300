package dev.gantry.starter.client;

import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.environment.DecommissionRequest;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DestroyApproval;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.DriftRequest;
import dev.gantry.workflows.api.environment.ProvisionRequest;
import dev.gantry.workflows.api.environment.ProvisionResult;
import dev.gantry.workflows.environment.DriftDetectionWorkflow;
import dev.gantry.workflows.environment.EnvironmentDecommissionWorkflow;
import dev.gantry.workflows.environment.EnvironmentProvisionWorkflow;
import dev.gantry.workflows.release.FailureReasons;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.client.schedules.ScheduleState;
import io.temporal.client.schedules.ScheduleUpdate;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Environments from Java and the CLI: drift checks (on demand and on a Temporal Schedule), creation,
 * destruction and its approval. Workflow ids: {@code drift/<app>/<env>} (schedule
 * {@code drift/<app>/<env>}), {@code env-create/<app>/<env>}, {@code env-destroy/<app>/<env>} (expiry
 * schedule {@code env-expiry/<app>/<env>}).
 */
public class Environments {
  private final WorkflowClient client;

  public Environments(WorkflowClient client) {
    this.client = client;
  }

  private ScheduleClient schedules() {
    return ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build());
  }

  private WorkflowOptions options(String id) {
    return WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE).build();
  }

  /** Runs one drift check now and waits for its report. */
  public DriftReport checkDrift(String application, EnvironmentPlan plan, String requestedBy, Duration timeout) {
    DriftRequest request = new DriftRequest(application, plan, requestedBy, false);
    String id = request.workflowId() + "/on-demand-" + Instant.now().toEpochMilli();
    DriftDetectionWorkflow drift = client.newWorkflowStub(DriftDetectionWorkflow.class, options(id));
    Workers.require(client, TaskQueues.RELEASE, "the environment workflow " + request.workflowId());
    WorkflowClient.start(drift::check, request);
    return await(WorkflowStub.fromTyped(drift), DriftReport.class, timeout, "drift check " + id);
  }

  /**
   * Creates (or updates) the schedule {@code drift/<app>/<env>} that runs the drift check every
   * {@code every}; a check still running when the next is due is skipped, not stacked. Differences wait for
   * a remediation approval when the config names remediation approvers.
   */
  public String scheduleDrift(String application, EnvironmentPlan plan, Duration every) {
    DriftRequest request = new DriftRequest(application, plan, "schedule", true);
    String id = request.workflowId();
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(DriftDetectionWorkflow.class)
            .setArguments(request)
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE).build())
            .build())
        .setSpec(ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(every))).build())
        .setPolicy(SchedulePolicy.newBuilder().setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP).build())
        .setState(ScheduleState.newBuilder().setNote("drift check of " + application + "/" + plan.name()
            + " every " + every).build())
        .build();
    ScheduleClient schedules = schedules();
    try {
      schedules.createSchedule(id, schedule, ScheduleOptions.newBuilder().build());
    } catch (ScheduleAlreadyRunningException exists) {
      schedules.getHandle(id).update(input -> new ScheduleUpdate(schedule));
    }
    return id;
  }

  /** Removes a schedule (drift or expiry); a missing one is fine. */
  public void deleteSchedule(String id) {
    try {
      schedules().getHandle(id).delete();
    } catch (RuntimeException missing) {
      // nothing to delete
    }
  }

  /**
   * Runs {@code env-create/<app>/<env>} to completion. An ephemeral environment (lifecycle.ttlHours) also
   * gets the schedule {@code env-expiry/<app>/<env>}, which starts its decommissioning at expiry (and hourly
   * after that, up to a day, until it is gone).
   */
  public ProvisionResult create(String application, EnvironmentPlan plan, String requestedBy, Duration timeout) {
    ProvisionRequest request = new ProvisionRequest(application, plan, requestedBy);
    EnvironmentProvisionWorkflow create = client.newWorkflowStub(EnvironmentProvisionWorkflow.class,
        options(request.workflowId()));
    try {
      Workers.require(client, TaskQueues.RELEASE, "the environment workflow " + request.workflowId());
      WorkflowClient.start(create::provision, request);
    } catch (WorkflowExecutionAlreadyStarted running) {
      throw new GantryException(request.workflowId() + " is already running");
    }
    ProvisionResult result = await(WorkflowStub.fromTyped(create), ProvisionResult.class, timeout,
        request.workflowId());
    if (result.expiresAt() != null) {
      scheduleExpiry(application, plan, Instant.parse(result.expiresAt()));
    }
    return result;
  }

  private void scheduleExpiry(String application, EnvironmentPlan plan, Instant expiresAt) {
    DecommissionRequest request = new DecommissionRequest(application, plan, "expiry-schedule",
        "ephemeral environment expired at " + expiresAt, true, true);
    String id = dev.gantry.workflows.api.environment.EnvironmentSchedules.expiryId(application, plan.name());
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(EnvironmentDecommissionWorkflow.class)
            .setArguments(request)
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId(request.workflowId())
                .setTaskQueue(TaskQueues.RELEASE).build())
            .build())
        .setSpec(ScheduleSpec.newBuilder().setStartAt(expiresAt)
            .setIntervals(List.of(new ScheduleIntervalSpec(Duration.ofHours(1)))).build())
        .setState(ScheduleState.newBuilder().setLimitedAction(true).setRemainingActions(24)
            .setNote("decommission " + application + "/" + plan.name() + " after " + expiresAt).build())
        .build();
    deleteSchedule(id);
    schedules().createSchedule(id, schedule, ScheduleOptions.newBuilder().build());
  }

  /** Starts {@code env-destroy/<app>/<env>}; it waits for approval ({@link #approveDestroy}). */
  public String startDestroy(String application, EnvironmentPlan plan, String requestedBy, String reason,
      boolean drain) {
    DecommissionRequest request = new DecommissionRequest(application, plan, requestedBy, reason, drain, false);
    EnvironmentDecommissionWorkflow destroy = client.newWorkflowStub(EnvironmentDecommissionWorkflow.class,
        options(request.workflowId()));
    try {
      Workers.require(client, TaskQueues.RELEASE, "the environment workflow " + request.workflowId());
      WorkflowClient.start(destroy::destroy, request);
    } catch (WorkflowExecutionAlreadyStarted running) {
      String stage;
      try {
        stage = destroyStage(application, plan.name());
      } catch (RuntimeException unanswered) {
        stage = "its stage cannot be read now: " + FailureReasons.of(unanswered);
      }
      throw new GantryException(request.workflowId() + " is already running (" + stage + "): approve it with"
          + " `gantry env approve " + plan.name() + " --as <approver>`, follow it with `gantry env destroy "
          + plan.name() + " --wait` (which waits for the running one) or in the Temporal UI (workflow "
          + request.workflowId() + ")");
    }
    return request.workflowId();
  }

  public String destroyStage(String application, String environment) {
    return client.newWorkflowStub(EnvironmentDecommissionWorkflow.class,
        "env-destroy/" + application + "/" + environment).stage();
  }

  /** Approves a destroy through its update: a refusal (not an approver, self-approval) comes back at once. */
  public GateDecision approveDestroy(String application, String environment, String approver, String comment) {
    return approveDestroy(application, environment, approver, comment, null);
  }

  /**
   * As above, signed with {@code signer} when given (needed where the environment requires signed actors): a
   * {@code destroy} token bound to the destroy's workflow and the environment.
   */
  public GateDecision approveDestroy(String application, String environment, String approver, String comment,
      ActorSigner signer) {
    String workflowId = "env-destroy/" + application + "/" + environment;
    String token = signer == null ? null : signer.sign(workflowId, environment,
        dev.gantry.workflows.api.approval.ActorTokens.NO_ARTIFACT, dev.gantry.workflows.api.approval.ActorTokens.DESTROY, null, approver);
    try {
      return client.newWorkflowStub(EnvironmentDecommissionWorkflow.class, workflowId)
          .approve(new DestroyApproval(approver, comment, token));
    } catch (WorkflowUpdateException refused) {
      throw new GateRefusedException("approval of destroying " + environment, FailureReasons.of(refused));
    }
  }

  public DecommissionResult awaitDestroy(String application, String environment, Duration timeout) {
    WorkflowStub stub = client.newUntypedWorkflowStub("env-destroy/" + application + "/" + environment);
    DecommissionResult result = await(stub, DecommissionResult.class, timeout, "env-destroy/" + application + "/"
        + environment);
    if ("DESTROYED".equals(result.state())) {
      // The destroy workflow deletes the schedules itself (with or without anyone waiting, and on expiry);
      // this only helps destroys started by a worker from before that.
      deleteSchedule(dev.gantry.workflows.api.environment.EnvironmentSchedules.expiryId(application, environment));
      deleteSchedule(dev.gantry.workflows.api.environment.EnvironmentSchedules.driftId(application, environment));
    }
    return result;
  }

  private static <T> T await(WorkflowStub stub, Class<T> type, Duration timeout, String what) {
    try {
      return stub.getResult(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS, type);
    } catch (WorkflowFailedException failed) {
      throw new GantryException(what + " failed: " + FailureReasons.of(failed), failed);
    } catch (java.util.concurrent.TimeoutException late) {
      throw new GantryException(what + " did not end within " + timeout + "; it goes on running");
    }
  }
}
