package dev.gantry.activities.aws;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.temporal.TaskQueues;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.util.List;

/**
 * The real release, region and failover workflows on Temporal's test server (time skipping), with the
 * real AWS activities pointed at moto and the real audit log in a temp folder.
 */
final class TemporalWithMoto implements AutoCloseable {
  final TestWorkflowEnvironment env;
  final Path auditLog;
  /** The environments a traffic owner started here reads from "policy": a test defines its owner's. */
  final dev.gantry.workflows.support.OwnersInPolicy owners = new dev.gantry.workflows.support.OwnersInPolicy();

  TemporalWithMoto(MotoWorld world, Path dir) {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    auditLog = dir.resolve("audit.jsonl");
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    // every workflow a production worker hosts (the activities below are this test's own)
    worker.registerWorkflowImplementationTypes(
        dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
    RegionHealthChecks health = new RegionHealthChecks(world.clients, new HealthChecker());
    worker.registerActivitiesImplementations(new dev.gantry.workflows.lock.LockHolderLookup(env.getWorkflowClient()), new dev.gantry.workflows.support.PlanAsGiven(), owners,
        new DeploymentActivitiesImpl(List.of(world.lambdaTarget(health))),
        new RegionTrafficActivitiesImpl(health, new TrafficRouter(world.clients)),
        new JsonlAuditLog(auditLog, dir.resolve("reviews")));
    env.start();
  }

  @Override
  public void close() {
    env.close();
  }
}
