package dev.gantry.workflows.api.environment;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Asks Temporal's visibility store which releases are running in an environment (search attribute
 * {@code GantryEnvironment}). A server that cannot list (the Java test server) fails it with
 * {@link #CANNOT_CHECK}: never an empty answer.
 */
@ActivityInterface(namePrefix = "ReleaseLookup.")
public interface ReleaseLookupActivities {
  String CANNOT_CHECK = "CannotCheckRunningReleases";

  @ActivityMethod(name = "ReleaseLookup.running")
  RunningReleases running(RegionsRequest request);
}
