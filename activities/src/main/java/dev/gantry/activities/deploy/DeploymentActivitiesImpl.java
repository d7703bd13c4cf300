package dev.gantry.activities.deploy;

import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Routes each deployment activity to the adapter of the environment's target type. */
public class DeploymentActivitiesImpl implements DeploymentActivities {
  private final Map<String, TargetAdapter> adapters;

  public DeploymentActivitiesImpl(List<TargetAdapter> adapters) {
    this.adapters = adapters.stream().collect(Collectors.toMap(TargetAdapter::type, Function.identity()));
  }

  @Override
  public DeployResult deploy(DeployRequest request) {
    return Heartbeats.during(() -> adapterFor(request.target()).deploy(request));
  }

  @Override
  public HealthCheckResult checkHealth(HealthCheckRequest request) {
    return Heartbeats.during(() -> adapterFor(request.target()).checkHealth(request));
  }

  @Override
  public RollbackResult rollback(RollbackRequest request) {
    return Heartbeats.during(() -> adapterFor(request.target()).rollback(request));
  }

  @Override
  public RecordDeploymentResult recordDeployment(RecordDeploymentRequest request) {
    return adapterFor(request.target()).recordDeployment(request);
  }

  private TargetAdapter adapterFor(DeployTarget target) {
    String type = target == null ? null : target.type();
    TargetAdapter adapter = type == null ? null : adapters.get(type);
    if (adapter == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "target.type '" + type + "' is not served by this worker; it serves: "
              + String.join(", ", adapters.keySet()),
          Failures.UNSUPPORTED_TARGET);
    }
    return adapter;
  }
}
