package dev.gantry.workflows.support;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;

/** The release of the example application, built in code: dev -> staging -> production. */
public final class Releases {
  private Releases() {}

  public static final String APP = "hello-service";
  public static final String VERSION = "1.4.0";
  public static final String DIGEST =
      "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
  public static final List<String> PRODUCTION_REGIONS =
      List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");

  public static ReleaseRequest example() {
    return example(APP, VERSION);
  }

  public static ReleaseRequest example(String application, String version) {
    DeployTarget target = new DeployTarget(DeployTarget.LOCAL, "/srv/gantry");
    HealthCheck health = new HealthCheck("curl -fsS http://localhost:8080/health", null, 10, 2, 1);
    EnvironmentPlan dev = EnvironmentPlan.builder()
        .name("dev")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1")))
        .target(target)
        .healthCheck(health)
        .approval(ApprovalPolicy.none())
        .variables(Map.of("LOG_LEVEL", "debug"))
        .verification(VerificationPolicy.notRequired())
        .build();
    EnvironmentPlan staging = EnvironmentPlan.builder()
        .name("staging")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1", "eu-west-1")))
        .target(target)
        .healthCheck(health)
        .approval(ApprovalPolicy.none())
        .variables(Map.of("LOG_LEVEL", "info"))
        .verification(VerificationPolicy.notRequired())
        .build();
    EnvironmentPlan production = EnvironmentPlan.builder()
        .name("production")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1"), List.of("us-west-2", "eu-west-1", "ap-southeast-1")))
        .target(target)
        .healthCheck(health)
        .approval(new ApprovalPolicy(true, List.of("alice", "bob", "carol"), 2, null))
        .variables(Map.of("LOG_LEVEL", "warn"))
        .verification(VerificationPolicy.notRequired())
        .build();
    return new ReleaseRequest(application, version,
        ArtifactRef.file("/artifacts/" + application + "-" + version + ".tar.gz", DIGEST),
        List.of(dev, staging, production), "dana", "java-client");
  }

  public static ReleaseRequest withApprovalsDirectory(ReleaseRequest request) {
    return new ReleaseRequest(request.application(), request.version(), request.artifact(),
        request.environments(), request.requestedBy(), request.specSource(), "/etc/gantry/approvers.yaml");
  }

  /**
   * The test server with time skipping and Gantry's search attributes. The extension's own worker (on a
   * throw-away task queue) stays empty: {@link #startWorker} serves {@link TaskQueues#RELEASE}, as the
   * real worker does, and then starts the environment.
   */
  public static TestWorkflowExtension extension() {
    TestWorkflowExtension.Builder builder = TestWorkflowExtension.newBuilder()
        .setUseTimeskipping(true)
        .setDoNotStart(true);
    for (var key : SearchAttributes.ALL) {
      builder.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    return builder.build();
  }

  /** Serves the release task queue with the given activity fakes (an in-memory audit if none given). */
  public static Worker startWorker(TestWorkflowEnvironment env, Object... activities) {
    return startWorker(env, List.of(), activities);
  }

  /** The same, with the test's own workflow types too. */
  public static Worker startWorker(TestWorkflowEnvironment env, List<Class<?>> moreWorkflows, Object... activities) {
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    // every workflow a production worker hosts (the activities below are this test's own)
    worker.registerWorkflowImplementationTypes(
        dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
    moreWorkflows.forEach(worker::registerWorkflowImplementationTypes);
    java.util.List<Object> all = new java.util.ArrayList<>(java.util.List.of(activities));
    if (all.stream().noneMatch(a -> a instanceof dev.gantry.workflows.api.audit.AuditActivities)) {
      all.add(new FakeAudit());
    }
    if (all.stream().noneMatch(a -> a instanceof dev.gantry.workflows.api.policy.PolicyActivities)) {
      all.add(new PlanAsGiven());
    }
    if (all.stream().noneMatch(a -> a instanceof dev.gantry.workflows.api.lock.LockActivities)) {
      all.add(new dev.gantry.workflows.lock.LockHolderLookup(env.getWorkflowClient()));
    }
    worker.registerActivitiesImplementations(all.toArray());
    env.start();
    return worker;
  }

  public static WorkflowOptions.Builder releaseOptions(ReleaseRequest request) {
    return WorkflowOptions.newBuilder()
        .setWorkflowId(request.releaseId())
        .setTaskQueue(TaskQueues.RELEASE)
        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
  }
}
