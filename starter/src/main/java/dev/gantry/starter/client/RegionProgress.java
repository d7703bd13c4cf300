package dev.gantry.starter.client;

import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.grpc.StatusRuntimeException;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.common.converter.DataConverterException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where each deploying or rolling-back region stands inside its current activity: the activity's last heartbeat
 * (e.g. "waiting for the rollout of 1.4.0 in eu-1: deployment/hello-service 1 of 2 updated replicas available"),
 * read from the region workflow's pending activities. The release's status only knows which step runs; this is
 * what {@code release watch} adds while a step takes long.
 */
final class RegionProgress {
  private RegionProgress() {}

  /** {@code environment/region} to the heartbeat of the region's running activity; regions without one are absent. */
  static Map<String, String> of(WorkflowClient client, ReleaseStatus status) {
    Map<String, String> progress = new LinkedHashMap<>();
    for (EnvironmentStatus environment : status.environments()) {
      for (RegionStatus region : environment.regions()) {
        if (region.state() != RegionState.DEPLOYING && region.state() != RegionState.ROLLING_BACK) {
          continue;
        }
        String id = ReleaseIds.region(status.releaseId(), environment.environment(), region.region());
        heartbeat(client, id).ifPresent(text -> progress.put(environment.environment() + "/" + region.region(), text));
      }
    }
    return progress;
  }

  private static Optional<String> heartbeat(WorkflowClient client, String regionWorkflowId) {
    try {
      var described = client.newUntypedWorkflowStub(regionWorkflowId).describe().getRawDescription();
      for (PendingActivityInfo activity : described.getPendingActivitiesList()) {
        if (activity.hasHeartbeatDetails() && activity.getHeartbeatDetails().getPayloadsCount() > 0) {
          String text = client.getOptions().getDataConverter()
              .fromPayloads(0, Optional.of(activity.getHeartbeatDetails()), String.class, String.class);
          if (text != null && !text.isBlank()) {
            return Optional.of(text);
          }
        }
      }
    } catch (WorkflowNotFoundException | StatusRuntimeException | DataConverterException notThereOrNotText) {
      // the region's workflow has not started, or ended, or its heartbeat is not a text: nothing to add
    }
    return Optional.empty();
  }
}
