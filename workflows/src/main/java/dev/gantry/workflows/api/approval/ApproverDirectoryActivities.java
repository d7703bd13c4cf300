package dev.gantry.workflows.api.approval;

import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The approvers directory port: a file today, any identity system behind the same method tomorrow. */
@ActivityInterface(namePrefix = "ApproverDirectory.")
public interface ApproverDirectoryActivities {

  /** Fails non-retryably (type {@link Failures#INVALID_REQUEST}) if the directory cannot be read. */
  @ActivityMethod(name = "ApproverDirectory.load")
  ApproverDirectory load(DirectoryRequest request);
}
