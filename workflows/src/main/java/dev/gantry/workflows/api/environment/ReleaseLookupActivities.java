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

  /**
   * Whether the destroy of the environment ({@code env-destroy/<app>/<env>}) runs and is past its approvals: its
   * stop is what the traffic owner of a signed environment accepts without a person's token.
   */
  @ActivityMethod(name = "ReleaseLookup.destroyApproved")
  boolean destroyApproved(RegionsRequest request);

  /**
   * Once the traffic owner {@code traffic/<app>/<dns name>} no longer writes weights: "stopped" or "not running";
   * a retryable failure while it still runs (a destroy drains only after that).
   */
  @ActivityMethod(name = "ReleaseLookup.ownerStopped")
  String ownerStopped(String ownerWorkflowId);
}
