package dev.gantry.activities.deploy;

import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.rollout.TrafficShiftActivities;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Routes each traffic-shifting activity to the adapter of the environment's target type. Every call
 * heartbeats ({@link Heartbeats}): a lost worker is noticed in seconds, a cancellation reaches the work.
 */
public class TrafficShiftActivitiesImpl implements TrafficShiftActivities {
  private final Map<String, TrafficAdapter> adapters;

  public TrafficShiftActivitiesImpl(List<TrafficAdapter> adapters) {
    this.adapters = adapters.stream().collect(Collectors.toMap(TrafficAdapter::type, Function.identity()));
  }

  @Override
  public DeployResult deployDark(DeployRequest request) {
    return Heartbeats.during(() -> adapterFor(request.target()).deployDark(request));
  }

  @Override
  public HealthCheckResult smokeCheck(HealthCheckRequest request) {
    return Heartbeats.during(() -> adapterFor(request.target()).smokeCheck(request));
  }

  @Override
  public WeightResult setWeight(WeightRequest request) {
    if (request.weight() < 0 || request.weight() > 100) {
      throw ApplicationFailure.newNonRetryableFailure("weight " + request.weight() + " is not a percentage",
          Failures.INVALID_REQUEST);
    }
    return Heartbeats.during(() -> adapterFor(request.target()).setWeight(request));
  }

  private TrafficAdapter adapterFor(DeployTarget target) {
    String type = target == null ? null : target.type();
    TrafficAdapter adapter = type == null ? null : adapters.get(type);
    if (adapter == null) {
      throw ApplicationFailure.newNonRetryableFailure("target.type '" + type + "' cannot shift traffic"
          + " progressively; rollouts work with: " + String.join(", ", adapters.keySet())
          + " (use `rollout: {strategy: all-at-once}` or no rollout section for this target)",
          Failures.UNSUPPORTED_TARGET);
    }
    return adapter;
  }
}
