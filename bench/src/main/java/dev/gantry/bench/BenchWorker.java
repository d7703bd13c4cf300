package dev.gantry.bench;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.bench.bare.BareWorkflows;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.api.temporal.TaskQueues;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The worker of the production app (every workflow and activity {@code WorkerCatalogue} lists, see
 * {@link BenchActivities}), in the benchmark's JVM so that probes and clocks are shared; plus the bare
 * workflows of the overhead comparison on a task queue of their own.
 */
final class BenchWorker implements AutoCloseable {
  static final String BARE_QUEUE = "gantry-bench-bare";

  /** How the worker factory is tuned: null keeps the SDK default. */
  record Tuning(boolean virtualThreads, Integer cacheSize, Integer maxWorkflowThreads) {
    static Tuning defaults() {
      return new Tuning(false, null, null);
    }

    String describe() {
      return (virtualThreads ? "virtual" : "platform") + " workflow threads, cache "
          + (cacheSize == null ? "600 (SDK default)" : cacheSize)
          + (virtualThreads ? "" : ", max workflow threads "
              + (maxWorkflowThreads == null ? "600 (SDK default)" : maxWorkflowThreads));
    }
  }

  private final WorkerFactory factory;

  BenchWorker(WorkflowClient client, Path work, Probes probes, Tuning tuning) {
    this(client, work, probes, tuning, new PlanAsGiven());
  }

  <P extends PolicyActivities & RollbackPolicyActivities> BenchWorker(WorkflowClient client, Path work,
      Probes probes, Tuning tuning, P policy) {
    WorkerFactoryOptions.Builder options = WorkerFactoryOptions.newBuilder();
    if (tuning.virtualThreads()) {
      options.setUsingVirtualWorkflowThreads(true);
    }
    if (tuning.cacheSize() != null) {
      options.setWorkflowCacheSize(tuning.cacheSize());
    }
    if (tuning.maxWorkflowThreads() != null) {
      options.setMaxWorkflowThreadCount(tuning.maxWorkflowThreads());
    }
    factory = WorkerFactory.newInstance(client, options.build());
    // Everything a production worker hosts (WorkerCatalogue), with the audit log and the deployments timed
    Probes.RecordingAudit audit = probes.new RecordingAudit();
    audit.useLog(new JsonlAuditLog(work.resolve("audit/audit.jsonl"), work.resolve("reviews")));
    BenchActivities.in(work, client).policy(policy).audit(audit).deployments(real -> probes.new RecordingDeployments(real))
        .registerOn(factory.newWorker(TaskQueues.RELEASE));
    Worker bare = factory.newWorker(BARE_QUEUE);
    bare.registerWorkflowImplementationTypes(BareWorkflows.BareReleaseImpl.class,
        BareWorkflows.BareRegionImpl.class);
    bare.registerActivitiesImplementations(new BareWorkflows.NoOpStep());
    factory.start();
  }

  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(10, TimeUnit.SECONDS);
  }
}
