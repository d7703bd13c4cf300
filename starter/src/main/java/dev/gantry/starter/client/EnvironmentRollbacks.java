package dev.gantry.starter.client;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackResult;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.rollback.EnvironmentRollbackWorkflow;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Rolling one environment of an ended release back, as an {@code EnvironmentRollback} workflow the client
 * starts and waits for. The request names the release and environment only: the worker resolves the
 * environment's regions and target from its platform policy.
 */
final class EnvironmentRollbacks {
  private final WorkflowClient client;
  private final ReleaseCalls calls;
  private final ReleaseStatuses statuses;
  private final ReleaseHistories histories;

  EnvironmentRollbacks(WorkflowClient client, ReleaseCalls calls, ReleaseStatuses statuses,
      ReleaseHistories histories) {
    this.client = client;
    this.calls = calls;
    this.statuses = statuses;
    this.histories = histories;
  }

  /** @param token a rollback token minted elsewhere, or null: signed by {@code signer} when there is one */
  EnvironmentRollbackResult rollback(String releaseId, String environment, String requestedBy, String reason,
      String token, Duration timeout, ActorSigner signer) {
    String id = GantryClient.normalize(releaseId);
    ReleaseRequest release = histories.plan(id);
    if (release.environments() != null && !release.environments().isEmpty()
        && release.environment(environment).isEmpty()) {
      // a convenience for typos: the worker's policy decides what the environment is
      throw new IllegalArgumentException("release " + id + " has no environment '" + environment + "'; it has "
          + String.join(", ", release.environments().stream().map(EnvironmentPlan::name).toList()));
    }
    String digest = release.artifact() == null ? null : release.artifact().digest();
    if (token == null && signer != null) {
      token = signer.sign(id, environment, digest, ActorTokens.ROLLBACK, null, requestedBy);
    }
    EnvironmentRollbackRequest request = EnvironmentRollbackRequest.of(id, release.application(),
        release.version(), digest, environment, requestedBy, reason, token);
    EnvironmentRollbackWorkflow rollback = client.newWorkflowStub(EnvironmentRollbackWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(request.workflowId() + "/" + System.currentTimeMillis())
            .setTaskQueue(TaskQueues.RELEASE)
            .setStaticSummary("rollback of " + release.application() + " " + release.version() + " in "
                + environment + " by " + requestedBy)
            .build());
    ReleaseStatus status = statuses.status(id);
    if (!status.state().isFinal()) {
      throw new GantryException("release " + id + " is still " + status.state() + ": abort it first"
          + " (`gantry release abort " + id + " --reason ...`), then roll back");
    }
    calls.requireWorker(TaskQueues.RELEASE, "the rollback of " + id + " in " + environment);
    try {
      WorkflowClient.start(rollback::rollBack, request);
      return WorkflowStub.fromTyped(rollback).getResult(timeout.toMillis(), TimeUnit.MILLISECONDS,
          EnvironmentRollbackResult.class);
    } catch (TimeoutException e) {
      throw new GantryException("the rollback of " + id + " in " + environment + " is still running after "
          + timeout + ": follow workflow " + request.workflowId() + "/... in the Temporal UI");
    } catch (WorkflowFailedException e) {
      throw new GantryException("the rollback of " + id + " in " + environment + " failed: "
          + FailureReasons.of(e), e);
    } catch (StatusRuntimeException e) {
      throw calls.translate(e, id);
    }
  }
}
