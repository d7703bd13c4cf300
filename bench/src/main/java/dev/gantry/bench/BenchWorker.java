package dev.gantry.bench;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.cab.ChangeBoardActivitiesImpl;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.activities.directory.FileApproverDirectory;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.activities.notify.NotifyActivitiesImpl;
import dev.gantry.activities.quality.QualityGateActivitiesImpl;
import dev.gantry.activities.signing.KmsClients;
import dev.gantry.activities.signing.SigningActivitiesImpl;
import dev.gantry.activities.window.DeploymentWindowActivitiesImpl;
import dev.gantry.bench.bare.BareWorkflows;
import dev.gantry.workflows.api.TaskQueues;
import dev.gantry.workflows.WorkerCatalogue;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The worker of the production app (same workflows, same activity implementations as
 * {@code WorkerConfiguration}), in the benchmark's JVM so that probes and clocks are shared; plus the bare
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

  BenchWorker(WorkflowClient client, Path work, Probes probes, Tuning tuning,
      dev.gantry.workflows.api.PolicyActivities policy) {
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
    Worker worker = factory.newWorker(TaskQueues.RELEASE);
    // Every workflow a worker must host (the same list the production worker's health checks); the activities
    // below are the release path's, some wrapped in probes.
    worker.registerWorkflowImplementationTypes(WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
    Probes.RecordingAudit audit = probes.new RecordingAudit();
    audit.useLog(new JsonlAuditLog(work.resolve("audit/audit.jsonl"), work.resolve("reviews")));
    worker.registerActivitiesImplementations(new dev.gantry.activities.lock.LockHolderLookup(client),
        policy,
        audit,
        probes.new RecordingDeployments(new DeploymentActivitiesImpl(
            List.of(new LocalTarget(new HealthChecker(), Clock.systemUTC())))),
        new FileApproverDirectory(),
        new QualityGateActivitiesImpl(),
        new DeploymentWindowActivitiesImpl(),
        ChangeBoardActivitiesImpl.standard(System::getenv),
        new NotifyActivitiesImpl(System::getenv),
        new SigningActivitiesImpl(work.resolve("signatures"),
            new SignatureAuditLog(work.resolve("audit/signatures.jsonl")), System::getenv,
            KmsClients::create, Clock.systemUTC()));
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
