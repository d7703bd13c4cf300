package dev.gantry.activities.environment;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.environment.DriftPolicy;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.environment.PromotionSource;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The real release, region and environment workflows on the Java test server (time skipping), with the
 * real local target, environment store and audit log in a temp folder. Environments: staging (2 regions)
 * and production (2 regions), health = "no file named sick in the region's folder".
 */
final class LocalEnvironmentWorld implements AutoCloseable {
  /** The worker's policy of environments: each {@link #plan} declares its environment there. */
  final dev.gantry.workflows.support.OwnersInPolicy policy = new dev.gantry.workflows.support.OwnersInPolicy();
  static final String APP = "hello-service";
  static final Map<String, String> WORKER_ENV = Map.of("DB_PASSWORD", "s3cret");

  final TestWorkflowEnvironment env;
  final Path root;
  final Path auditLog;
  final Path archive;
  /** The worker's audit key: it signs the trail's checkpoints and archived trails. */
  final dev.gantry.activities.signing.Signer workerKey =
      new dev.gantry.activities.signing.LocalKeySigner(dev.gantry.activities.signing.KeyFiles.generate());

  LocalEnvironmentWorld(Path dir) {
    root = dir.resolve("targets");
    auditLog = dir.resolve("audit.jsonl");
    archive = dir.resolve("archive");
    env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    // every workflow a production worker hosts (the activities below are this test's own)
    worker.registerWorkflowImplementationTypes(
        dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
    SecretReferences secrets = new SecretReferences(WORKER_ENV::get, null);
    worker.registerActivitiesImplementations(new dev.gantry.workflows.lock.LockHolderLookup(env.getWorkflowClient()), new dev.gantry.workflows.support.PlanAsGiven(),
        policy, new DeploymentActivitiesImpl(List.of(new LocalTarget(new HealthChecker(), Clock.systemUTC()))),
        new EnvironmentActivitiesImpl(List.of(new LocalEnvironments(secrets)), auditLog, archive, workerKey),
        new RunningReleasesLookup(env.getWorkflowClient()),
        new EnvironmentScheduleCleaner(env.getWorkflowClient()),
        new JsonlAuditLog(auditLog, dir.resolve("reviews"), new dev.gantry.activities.audit.AuditCheckpoints(
            dir.resolve(dev.gantry.activities.audit.AuditCheckpoints.FILE_NAME), workerKey, 50, Clock.systemUTC())));
    env.start();
  }

  DeployTarget target() {
    return new DeployTarget(DeployTarget.LOCAL, root.toString());
  }

  static HealthCheck health() {
    return new HealthCheck("test ! -f \"$GANTRY_REGION_DIR/sick\"", null, 10, 2, 1);
  }

  /** The environment, as the worker's policy declares it for hello-service (the environment workflows read it). */
  EnvironmentPlan plan(String name, EnvironmentConfig config) {
    EnvironmentPlan plan = EnvironmentPlan.builder()
        .name(name)
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1"), List.of("eu-west-1")))
        .target(target())
        .healthCheck(health())
        .approval(ApprovalPolicy.none())
        .variables(Map.of("LOG_LEVEL", "info", "FEATURE_X", "on"))
        .verification(VerificationPolicy.notRequired())
        .environmentConfig(config)
        .build();
    policy.define("hello-service", plan);
    return plan;
  }

  static EnvironmentConfig managed() {
    return new EnvironmentConfig(true, Map.of("DB_PASSWORD", "env:DB_PASSWORD"), null, null,
        new DriftPolicy(15, List.of("olivia"), 1), new ApprovalPolicy(true, List.of("olivia", "pat"), 1, 4));
  }

  ArtifactRef artifact(Path dir, String version, String content) throws IOException {
    Path file = Files.createDirectories(dir.resolve("artifacts-" + version + "-" + content.hashCode()))
        .resolve("hello-service.sh");
    Files.writeString(file, content);
    return ArtifactRef.file(file.toString(), Digests.sha256(file));
  }

  ReleaseStatus release(ReleaseRequest request) {
    ReleaseWorkflow workflow = env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.releaseId()).setTaskQueue(TaskQueues.RELEASE).build());
    return workflow.run(request);
  }

  ReleaseRequest releaseTo(ArtifactRef artifact, String version, EnvironmentPlan env) {
    return new ReleaseRequest(APP, version, artifact, List.of(env), "dana", "test");
  }

  ReleaseRequest promotion(ArtifactRef artifact, String version, EnvironmentPlan from, EnvironmentPlan to) {
    return new ReleaseRequest(APP, version, artifact, List.of(to), "dana", "test", null, null,
        new PromotionSource(from));
  }

  @Override
  public void close() {
    env.close();
  }
}
