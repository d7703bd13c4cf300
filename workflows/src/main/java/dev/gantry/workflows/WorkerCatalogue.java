package dev.gantry.workflows;

import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import dev.gantry.workflows.api.environment.ScheduleActivities;
import dev.gantry.workflows.api.lock.LockActivities;
import dev.gantry.workflows.api.flags.FeatureFlagActivities;
import dev.gantry.workflows.api.flags.FlagAnalysisActivities;
import dev.gantry.workflows.api.notify.NotifyActivities;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.rollout.AnalysisActivities;
import dev.gantry.workflows.api.rollout.TrafficShiftActivities;
import dev.gantry.workflows.api.signing.SigningActivities;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.workflows.environment.DriftDetectionWorkflowImpl;
import dev.gantry.workflows.environment.EnvironmentDecommissionWorkflowImpl;
import dev.gantry.workflows.environment.EnvironmentProvisionWorkflowImpl;
import dev.gantry.workflows.failover.RegionFailoverWorkflowImpl;
import dev.gantry.workflows.failover.TrafficOwnerWorkflowImpl;
import dev.gantry.workflows.flags.ExperimentWorkflowImpl;
import dev.gantry.workflows.flags.FlagRampWorkflowImpl;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.lock.EnvironmentLockWorkflowImpl;
import dev.gantry.workflows.release.ReleaseWorkflowImpl;
import dev.gantry.workflows.rollback.ActorTokenSpentWorkflowImpl;
import dev.gantry.workflows.rollback.EnvironmentRollbackWorkflowImpl;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Everything a Gantry worker on {@link TaskQueues#RELEASE} must register: every workflow implementation and an
 * implementation of every activity interface. A release calls activities of most of them and starts children
 * of several workflows; a worker that lacks one fails releases half way ({@code Activity Type "Signing.sign" is
 * not registered}). The worker's health ({@code /actuator/health}, component {@code registrations}) is DOWN
 * while anything listed here is not registered, and a test in the worker module fails the build when
 * {@code application.yml} does not list it all (the demo runs that same configuration); the benchmarks register
 * through {@link #register}, which refuses to start a worker that lacks one, and the tests that run real
 * adapters register every workflow listed here.
 * A new workflow or activity interface is added here, and nowhere else needs to know.
 */
public final class WorkerCatalogue {
  private WorkerCatalogue() {}

  /** Every workflow implementation; the worker's {@code application.yml} lists the same (WorkerRegistrationsTest). */
  public static final List<Class<?>> WORKFLOW_IMPLEMENTATIONS = List.of(
      ReleaseWorkflowImpl.class,
      EnvironmentLockWorkflowImpl.class,
      RegionDeploymentWorkflowImpl.class,
      EnvironmentRollbackWorkflowImpl.class,
      ActorTokenSpentWorkflowImpl.class,
      RegionFailoverWorkflowImpl.class,
      TrafficOwnerWorkflowImpl.class,
      DriftDetectionWorkflowImpl.class,
      EnvironmentProvisionWorkflowImpl.class,
      EnvironmentDecommissionWorkflowImpl.class,
      FlagRampWorkflowImpl.class,
      ExperimentWorkflowImpl.class);

  /** Every activity interface a workflow above calls; the worker registers one implementation of each. */
  public static final List<Class<?>> ACTIVITY_INTERFACES = List.of(
      PolicyActivities.class,
      RollbackPolicyActivities.class,
      DeploymentActivities.class,
      ApproverDirectoryActivities.class,
      AuditActivities.class,
      QualityGateActivities.class,
      DeploymentWindowActivities.class,
      ChangeBoardActivities.class,
      NotifyActivities.class,
      SigningActivities.class,
      RegionTrafficActivities.class,
      TrafficShiftActivities.class,
      AnalysisActivities.class,
      EnvironmentActivities.class,
      ScheduleActivities.class,
      LockActivities.class,
      ReleaseLookupActivities.class,
      FeatureFlagActivities.class,
      FlagAnalysisActivities.class);

  /**
   * Registers every workflow implementation and the given activity implementations on {@code worker}, after
   * checking that they implement every activity interface listed here: a worker built in code (benchmarks,
   * tests with real adapters) fails at its start, naming what it lacks, instead of half way through a release.
   *
   * @throws IllegalArgumentException naming the activity interfaces no object of {@code activities} implements
   */
  public static void register(Worker worker, Collection<?> activities) {
    List<String> missing = missing(WORKFLOW_IMPLEMENTATIONS, activities);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("a worker on " + worker.getTaskQueue() + " must host everything"
          + " WorkerCatalogue lists; missing: " + String.join(", ", missing));
    }
    worker.registerWorkflowImplementationTypes(WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
    worker.registerActivitiesImplementations(activities.toArray());
  }

  /**
   * What a worker registering these lacks: the simple names of the workflow implementations not among
   * {@code workflowImplementations} and of the activity interfaces no object of {@code activityImplementations}
   * implements. Empty: nothing is missing.
   */
  public static List<String> missing(Collection<Class<?>> workflowImplementations,
      Collection<?> activityImplementations) {
    List<String> missing = new ArrayList<>();
    for (Class<?> workflow : WORKFLOW_IMPLEMENTATIONS) {
      if (!workflowImplementations.contains(workflow)) {
        missing.add("workflow " + workflow.getSimpleName());
      }
    }
    for (Class<?> activities : ACTIVITY_INTERFACES) {
      if (activityImplementations.stream().noneMatch(activities::isInstance)) {
        missing.add("activities " + activities.getSimpleName());
      }
    }
    return missing;
  }
}
