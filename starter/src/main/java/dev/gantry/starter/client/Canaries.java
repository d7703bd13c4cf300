package dev.gantry.starter.client;

import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.CanaryCommandResult;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.region.RegionDeploymentWorkflow;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import java.util.ArrayList;
import java.util.List;

/** Canary commands (promote, pause, resume, abort) to the region workflows that roll a release out. */
final class Canaries {
  private final WorkflowClient client;
  private final ReleaseCalls calls;

  Canaries(WorkflowClient client, ReleaseCalls calls) {
    this.client = client;
    this.calls = calls;
  }

  /** To one region, or to every region of the environment whose rollout is in progress when it is null. */
  List<CanaryCommandResult> send(String releaseId, String environment, String region, CanaryCommand command) {
    String id = GantryClient.normalize(releaseId);
    calls.running(id, "canary command");
    calls.requireWorker(TaskQueues.RELEASE, "the canary " + command.action() + " of " + id);
    ReleaseStatus status = calls.onRelease(id, "status query", () -> client.newWorkflowStub(ReleaseWorkflow.class, id)
        .status());
    EnvironmentStatus env = status.environments().stream().filter(e -> e.environment().equals(environment))
        .findFirst().orElseThrow(() -> new GantryException(id + " has no environment " + environment + " (it has "
            + String.join(", ", status.environments().stream().map(EnvironmentStatus::environment).toList()) + ")"));
    List<String> regions = region != null ? List.of(region) : env.regions().stream()
        .filter(r -> r.state() == RegionState.DEPLOYING).map(RegionStatus::region).toList();
    if (region != null && env.regions().stream().noneMatch(r -> r.region().equals(region))) {
      throw new GantryException(environment + " of " + id + " has no region " + region);
    }
    if (regions.isEmpty()) {
      throw new GateRefusedException(command.action(), "no region of " + environment + " is rolling out " + id
          + " now");
    }
    List<CanaryCommandResult> results = new ArrayList<>();
    for (String name : regions) {
      String child = ReleaseIds.region(id, environment, name);
      results.add(calls.onRelease(child, command.action(), () -> {
        try {
          return client.newWorkflowStub(RegionDeploymentWorkflow.class, child).command(command);
        } catch (WorkflowUpdateException e) {
          throw new GateRefusedException(command.action() + " of " + name, FailureReasons.of(e));
        }
      }));
    }
    return results;
  }
}
