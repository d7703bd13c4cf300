package dev.gantry.workflows.api.environment;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The Temporal Schedules an environment owns ({@link EnvironmentSchedules}): whatever destroys the environment
 * deletes them, in its own workflow. Idempotent: a schedule that is not there is already deleted.
 */
@ActivityInterface(namePrefix = "Schedules.")
public interface ScheduleActivities {
  @ActivityMethod(name = "Schedules.deleteEnvironmentSchedules")
  SchedulesDeleted deleteEnvironmentSchedules(EnvironmentSchedules request);
}
