package dev.gantry.workflows.region;

import dev.gantry.workflows.api.deploy.RegionDeploymentRequest;
import dev.gantry.workflows.api.deploy.RegionDeploymentResult;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.CanaryCommandResult;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Deploys one version to one region and proves it healthy; if it cannot, leaves the region as it found it.
 * Started by the release as a child with id {@code release/<app>/<version>/<env>/<region>}.
 *
 * <p>With a progressive rollout the region's traffic moves in steps, and people steer the rollout here,
 * at the region: signals {@code promote}, {@code abort}, {@code pause}, {@code resume} (one JSON object,
 * {@code {"by": "alice", "reason": "..."}}, from the Temporal UI) and the update {@code canaryCommand}
 * (the CLI: refused at once by its validator when it cannot apply). A command sent to a region without a
 * rollout in progress is refused and recorded.
 */
@WorkflowInterface
public interface RegionDeploymentWorkflow {

  @WorkflowMethod(name = "RegionDeployment")
  RegionDeploymentResult deploy(RegionDeploymentRequest request);

  @QueryMethod(name = "status")
  RegionStatus status();

  /** Skip the remaining steps: 100% now. */
  @SignalMethod(name = "promote")
  void promote(CanaryCommand command);

  /** Roll this region back now (the release then rolls back the regions it changed before). */
  @SignalMethod(name = "abort")
  void abort(CanaryCommand command);

  /** Hold at the current weight after the running step; bake timers go on, the next step waits. */
  @SignalMethod(name = "pause")
  void pause(CanaryCommand command);

  /** Go on: after a pause, a dark launch on hold, or an inconclusive analysis (counts as a pass). */
  @SignalMethod(name = "resume")
  void resume(CanaryCommand command);

  @UpdateMethod(name = "canaryCommand")
  CanaryCommandResult command(CanaryCommand command);

  @UpdateValidatorMethod(updateName = "canaryCommand")
  void validateCommand(CanaryCommand command);
}
