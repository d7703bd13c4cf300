package dev.gantry.workflows.api.rollout;

import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The traffic-shifting port of progressive rollouts. A progressive deploy is {@link #deployDark} (the new
 * version installed beside the stable one, 0% of the traffic), {@link #smokeCheck} against the new
 * version directly, then {@link #setWeight} step by step up to 100. The deployment port's
 * {@code rollback} undoes any of these states (it clears the weights and leaves the stable version).
 * Every method is idempotent under retry.
 */
@ActivityInterface(namePrefix = "Rollout.")
public interface TrafficShiftActivities {

  /** Installs the version with no user traffic; {@code previousVersion} is the stable one. */
  @ActivityMethod(name = "Rollout.deployDark")
  DeployResult deployDark(DeployRequest request);

  /** The region's health check run against the new version itself (a retryable failure while unhealthy). */
  @ActivityMethod(name = "Rollout.smokeCheck")
  HealthCheckResult smokeCheck(HealthCheckRequest request);

  @ActivityMethod(name = "Rollout.setWeight")
  WeightResult setWeight(WeightRequest request);
}
