package dev.gantry.activities.deploy;

import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;

/** A target that can split a region's traffic between the stable and the new version (progressive rollouts). */
public interface TrafficAdapter {

  String type();

  DeployResult deployDark(DeployRequest request);

  HealthCheckResult smokeCheck(HealthCheckRequest request);

  WeightResult setWeight(WeightRequest request);
}
