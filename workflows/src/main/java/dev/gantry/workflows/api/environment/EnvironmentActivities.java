package dev.gantry.workflows.api.environment;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * The environment port: its configuration store, what its regions actually run, its infrastructure and
 * its registry. Adapters per target type ({@code local}; {@code lambda} and {@code ecs} on AWS: SSM
 * Parameter Store under {@code /gantry/<app>/<env>/}, CloudFormation). Every method is idempotent.
 */
@ActivityInterface(namePrefix = "Environment.")
public interface EnvironmentActivities {

  /** Writes the variables and resolved secrets; removes parameters no longer declared. */
  @ActivityMethod(name = "Environment.applyConfig")
  ConfigApplied applyConfig(ConfigRequest request);

  /** Every parameter the store holds for the environment (secrets compared, never returned). */
  @ActivityMethod(name = "Environment.readConfig")
  ConfigActual readConfig(ConfigRequest request);

  @ActivityMethod(name = "Environment.readRegions")
  RegionsActual readRegions(RegionsRequest request);

  @ActivityMethod(name = "Environment.readRecordedDeployment")
  RecordedDeployment readRecordedDeployment(RegionsRequest request);

  /** Starts creating the region's stack (or folders); returns at once. */
  @ActivityMethod(name = "Environment.createStack")
  StackStatus createStack(StackRequest request);

  /** Waits, heartbeating, until the stack is complete; fails non-retryably if it rolled back. */
  @ActivityMethod(name = "Environment.awaitStack")
  StackStatus awaitStack(StackRequest request);

  /** Deletes the region's stack and waits, heartbeating, until it is gone. */
  @ActivityMethod(name = "Environment.deleteStack")
  StackStatus deleteStack(StackRequest request);

  @ActivityMethod(name = "Environment.register")
  String register(Registration registration);

  /** The environment's registration, or null when it is not registered. */
  @ActivityMethod(name = "Environment.readRegistration")
  Registration readRegistration(RegionsRequest request);

  /** Copies the environment's audit trail into the archive, then removes its registration. */
  @ActivityMethod(name = "Environment.archive")
  String archive(ArchiveRequest request);
}
