package dev.gantry.activities.environment;

import dev.gantry.activities.support.ValidNames;
import dev.gantry.workflows.api.environment.EnvironmentSchedules;
import dev.gantry.workflows.api.environment.ScheduleActivities;
import dev.gantry.workflows.api.environment.SchedulesDeleted;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Deletes an environment's schedules through Temporal's {@link ScheduleClient}, on the worker's own
 * connection. A schedule that is not found is already deleted (success); a server that has no schedules at all
 * (the Java test server answers UNIMPLEMENTED) holds none to delete. Any other error is retried.
 */
public class EnvironmentScheduleCleaner implements ScheduleActivities {
  private final Supplier<ScheduleClient> schedules;

  public EnvironmentScheduleCleaner(WorkflowClient client) {
    this(() -> ScheduleClient.newInstance(client.getWorkflowServiceStubs(),
        ScheduleClientOptions.newBuilder().setNamespace(client.getOptions().getNamespace()).build()));
  }

  public EnvironmentScheduleCleaner(Supplier<ScheduleClient> schedules) {
    this.schedules = schedules;
  }

  @Override
  public SchedulesDeleted deleteEnvironmentSchedules(EnvironmentSchedules request) {
    ValidNames.name("application", request.application());
    ValidNames.name("environment", request.environment());
    ScheduleClient client = schedules.get();
    List<String> deleted = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    for (String id : request.ids()) {
      try {
        client.getHandle(id).delete();
        deleted.add(id);
      } catch (RuntimeException failure) {
        Status.Code code = statusOf(failure);
        if (code == Status.Code.NOT_FOUND || code == Status.Code.UNIMPLEMENTED) {
          absent.add(id);
        } else {
          throw failure;
        }
      }
    }
    return new SchedulesDeleted(List.copyOf(deleted), List.copyOf(absent));
  }

  private static Status.Code statusOf(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof StatusRuntimeException grpc) {
        return grpc.getStatus().getCode();
      }
    }
    return null;
  }
}
