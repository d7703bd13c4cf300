package dev.gantry.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.activities.environment.AwsEnvironments;
import dev.gantry.activities.environment.EnvironmentActivitiesImpl;
import dev.gantry.activities.environment.SecretReferences;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.environment.DecommissionRequest;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DestroyApproval;
import dev.gantry.workflows.api.environment.DriftItem;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.DriftRequest;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.environment.Infrastructure;
import dev.gantry.workflows.api.environment.ProvisionRequest;
import dev.gantry.workflows.api.environment.ProvisionResult;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import dev.gantry.workflows.api.environment.RunningReleases;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.environment.DriftDetectionWorkflow;
import dev.gantry.workflows.environment.EnvironmentDecommissionWorkflow;
import dev.gantry.workflows.environment.EnvironmentProvisionWorkflow;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environments on AWS against moto: configuration in SSM Parameter Store, drift read from SSM and Lambda,
 * stacks created and deleted with CloudFormation, Route 53 weights drained. The running-release lookup
 * answers "none" here (the Java test server cannot list workflows); the worker module checks it against
 * the real dev server.
 */
class AwsEnvironmentsTest {
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  static final String TEMPLATE = """
      Parameters:
        Greeting: {Type: String}
      Resources:
        Marker:
          Type: AWS::SSM::Parameter
          Properties:
            Name: !Sub "/stacks/${AWS::StackName}/marker"
            Type: String
            Value: !Ref Greeting
      """;

  @TempDir Path dir;
  MotoWorld world;
  TestWorkflowEnvironment env;
  String zone;

  private final dev.gantry.workflows.support.OwnersInPolicy owners = new dev.gantry.workflows.support.OwnersInPolicy();

  @BeforeEach
  void setUp() {
    world = new MotoWorld(moto);
    world.everywhere();
    zone = world.hostedZone();
    env = TestWorkflowEnvironment.newInstance();
    for (var key : SearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    // every workflow a production worker hosts (the activities below are this test's own)
    worker.registerWorkflowImplementationTypes(
        dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
    RegionHealthChecks health = new RegionHealthChecks(world.clients, new HealthChecker());
    SecretReferences secrets = new SecretReferences(Map.of("API_TOKEN", "t0ken")::get, world.clients);
    ReleaseLookupActivities noneRunning = new ReleaseLookupActivities() {
      @Override
      public RunningReleases running(dev.gantry.workflows.api.environment.RegionsRequest request) {
        return new RunningReleases("(test server: not listed)", List.of());
      }

      @Override
      public boolean destroyApproved(dev.gantry.workflows.api.environment.RegionsRequest request) {
        return dev.gantry.workflows.environment.DestroyChecks.approvedDestroyRuns(env.getWorkflowClient(),
            request.application(), request.environment());
      }

      @Override
      public String ownerStopped(String ownerWorkflowId) {
        return dev.gantry.workflows.environment.DestroyChecks.ownerStopped(env.getWorkflowClient(), ownerWorkflowId);
      }
    };
    worker.registerActivitiesImplementations(new dev.gantry.workflows.lock.LockHolderLookup(env.getWorkflowClient()), new dev.gantry.workflows.support.PlanAsGiven(), owners,
        new DeploymentActivitiesImpl(List.of(world.lambdaTarget(health))),
        new RegionTrafficActivitiesImpl(health, new TrafficRouter(world.clients)),
        new EnvironmentActivitiesImpl(List.of(new AwsEnvironments(world.clients, secrets)),
            dir.resolve("audit.jsonl"), dir.resolve("archive")),
        noneRunning,
        new dev.gantry.activities.environment.EnvironmentScheduleCleaner(env.getWorkflowClient()),
        new JsonlAuditLog(dir.resolve("audit.jsonl"), dir.resolve("reviews")));
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
    world.close();
  }

  /** The environment, as the worker's policy declares it for hello-service (the environment workflows read it). */
  EnvironmentPlan plan(String name, boolean route53, EnvironmentConfig config) {
    EnvironmentPlan plan = EnvironmentPlan.builder()
        .name(name)
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1"), MotoWorld.REGIONS.subList(1, MotoWorld.REGIONS.size())))
        .target(DeployTarget.aws(DeployTarget.LAMBDA, world.target(route53 ? zone : null)))
        .healthCheck(new HealthCheck(null, null, 30, 2, 1))
        .approval(new ApprovalPolicy(true, List.of("olivia", "pat"), 1, 4))
        .variables(Map.of("LOG_LEVEL", "warn", "POOL_SIZE", "20"))
        .verification(VerificationPolicy.notRequired())
        .environmentConfig(config)
        .build();
    owners.define("hello-service", plan);
    return plan;
  }

  static EnvironmentConfig config(Infrastructure infrastructure) {
    return new EnvironmentConfig(true, Map.of("API_TOKEN", "env:API_TOKEN"), infrastructure, null, null, null);
  }

  @Test
  void aReleaseAppliesTheConfigToSsmAndDriftIsFoundInParametersAndVersionsButNotOnAClean() {
    EnvironmentPlan production = plan("production", false, config(null));
    ArtifactRef artifact = MotoWorld.artifact(dir, "2.0.0");
    ReleaseRequest request = new ReleaseRequest("hello-service", "2.0.0", artifact, List.of(production), "dana",
        "test");
    ReleaseWorkflow release = env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.releaseId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(release::run, request);
    approveWhenAsked(request.releaseId());
    assertThat(release.status().state()).isEqualTo(ReleaseState.SUCCEEDED);
    var ssm = world.clients.ssm("eu-west-1");
    assertThat(ssm.getParameter(b -> b.name("/gantry/hello-service/production/vars/LOG_LEVEL")).parameter().value())
        .isEqualTo("warn");
    assertThat(ssm.getParameter(b -> b.name("/gantry/hello-service/production/secrets/API_TOKEN")
        .withDecryption(true)).parameter().value()).isEqualTo("t0ken");

    assertThat(drift(production).differences()).isEmpty();

    ssm.putParameter(b -> b.name("/gantry/hello-service/production/vars/LOG_LEVEL").value("debug")
        .type("String").overwrite(true));
    world.clients.ssm("ap-southeast-1").putParameter(b -> b.name("/gantry/hello-service/production/vars/HOTFIX")
        .value("1").type("String"));
    String previous = world.clients.lambda("us-west-2").publishVersion(b -> b.functionName(MotoWorld.FUNCTION)
        .description("1.9.9")).version();
    world.clients.lambda("us-west-2").updateAlias(b -> b.functionName(MotoWorld.FUNCTION).name(MotoWorld.ALIAS)
        .functionVersion(previous));

    DriftReport report = drift(production);

    assertThat(report.differences()).extracting(DriftItem::kind, DriftItem::region, DriftItem::key,
            DriftItem::expected, DriftItem::actual)
        .contains(tuple("parameter", "eu-west-1", "LOG_LEVEL", "warn", "debug"),
            tuple("parameter", "ap-southeast-1", "HOTFIX", DriftItem.ABSENT, "1"));
    assertThat(report.differences()).filteredOn(d -> d.kind().equals("version")).singleElement()
        .satisfies(d -> {
          assertThat(d.region()).isEqualTo("us-west-2");
          assertThat(d.expected()).isEqualTo("2.0.0 (" + artifact.digest() + ")");
          assertThat(d.actual()).startsWith("1.9.9 (sha256:");
        });
    assertThat(report.differences()).hasSize(3);
  }

  @Test
  void createMakesAStackPerRegionAndDestroyRefusesWhileServedThenDrainsDeletesAndArchives() throws Exception {
    Infrastructure infrastructure = new Infrastructure("stack.yaml", TEMPLATE, Map.of("Greeting", "hello"));
    EnvironmentPlan preview = plan("preview", true, config(infrastructure));
    ProvisionResult created = env.getWorkflowClient().newWorkflowStub(EnvironmentProvisionWorkflow.class,
            WorkflowOptions.newBuilder().setWorkflowId("env-create/hello-service/preview")
                .setTaskQueue(TaskQueues.RELEASE).build())
        .provision(new ProvisionRequest("hello-service", preview, "dana"));

    assertThat(created.stacks()).extracting(s -> s.status()).containsOnly("CREATE_COMPLETE").hasSize(4);
    for (String region : MotoWorld.REGIONS) {
      assertThat(world.clients.cloudFormation(region).describeStacks(b -> b.stackName("gantry-hello-service-preview"))
          .stacks().get(0).stackStatusAsString()).isEqualTo("CREATE_COMPLETE");
    }
    assertThat(created.registeredAt()).isEqualTo("ssm:/gantry/hello-service/preview/registry in us-east-1");
    new TrafficRouter(world.clients).apply(preview.target().aws(), Map.of("us-east-1", 40, "us-west-2", 20,
        "eu-west-1", 20, "ap-southeast-1", 20));

    // the traffic owner of the name runs: it must not put the weights back after the drain
    var owner = env.getWorkflowClient().newWorkflowStub(dev.gantry.workflows.failover.TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(dev.gantry.workflows.api.release.ReleaseIds.traffic("hello-service",
            MotoWorld.RECORD)).setTaskQueue(TaskQueues.RELEASE).build());
    var ownerRequest = new dev.gantry.workflows.api.traffic.TrafficOwnerRequest("hello-service",
        "preview", preview.regions(), preview.target(), null, 30, List.of(), null);
    WorkflowClient.start(owner::own, ownerRequest); // the policy's preview (plan above) is what it owns

    DecommissionResult refused = destroy(preview, false);
    assertThat(refused.state()).isEqualTo("REFUSED");
    assertThat(refused.detail()).contains("preview still serves traffic").contains("--drain");

    DecommissionResult destroyed = destroy(preview, true);

    assertThat(destroyed.state()).isEqualTo("DESTROYED");
    assertThat(destroyed.approvedBy()).containsExactly("olivia");
    assertThat(world.weights(zone).values()).containsOnly(0L);
    var ownerEnd = io.temporal.client.WorkflowStub.fromTyped(owner)
        .getResult(dev.gantry.workflows.api.traffic.TrafficOwnerStatus.class);
    assertThat(ownerEnd.stopped()).isTrue();
    assertThat(ownerEnd.log()).anyMatch(line -> line.contains("stopped by gantry: environment preview is being destroyed"));
    env.sleep(java.time.Duration.ofMinutes(2));
    assertThat(world.weights(zone).values()).containsOnly(0L);
    for (String region : MotoWorld.REGIONS) {
      var stacks = world.clients.cloudFormation(region).listStacks().stackSummaries().stream()
          .filter(s -> s.stackName().equals("gantry-hello-service-preview")).toList();
      assertThat(stacks).allSatisfy(s -> assertThat(s.stackStatusAsString()).isEqualTo("DELETE_COMPLETE"));
    }
    assertThat(world.clients.ssm("us-east-1").getParametersByPath(b -> b.path("/gantry/hello-service/preview/")
        .recursive(true)).parameters()).isEmpty();
    Path archive = Path.of(destroyed.archive());
    assertThat(Files.readString(archive.resolve("audit.jsonl"))).contains("environment-create")
        .contains("environment-destroy");
    assertThat(archive.resolve("environment.json")).exists();
  }

  private DecommissionResult destroy(EnvironmentPlan plan, boolean drain) throws Exception {
    String id = "env-destroy/hello-service/" + plan.name() + (drain ? "/drain" : "");
    EnvironmentDecommissionWorkflow workflow = env.getWorkflowClient().newWorkflowStub(
        EnvironmentDecommissionWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(workflow::destroy, new DecommissionRequest("hello-service", plan, "dana", "PR merged",
        drain, false));
    EnvironmentDecommissionWorkflow running = env.getWorkflowClient().newWorkflowStub(
        EnvironmentDecommissionWorkflow.class, id);
    for (int i = 0; i < 200; i++) {
      String stage = running.stage();
      if (stage.startsWith("waiting for approval")) {
        running.approve(new DestroyApproval("olivia", "preview is merged"));
        break;
      }
      if (stage.startsWith("refused")) {
        break;
      }
      Thread.sleep(50);
    }
    return io.temporal.client.WorkflowStub.fromTyped(workflow).getResult(DecommissionResult.class);
  }

  private void approveWhenAsked(String releaseId) {
    ReleaseWorkflow running = env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class, releaseId);
    for (int i = 0; i < 400; i++) {
      String stage = running.status().stage();
      if (stage != null && stage.startsWith("approval:")) {
        running.submitApproval(dev.gantry.workflows.api.approval.ApprovalSignal.of("olivia", running.status().artifactDigest(),
            "ok"));
        break;
      }
      sleep();
    }
    io.temporal.client.WorkflowStub.fromTyped(running).getResult(Object.class);
  }

  private DriftReport drift(EnvironmentPlan plan) {
    return env.getWorkflowClient().newWorkflowStub(DriftDetectionWorkflow.class, WorkflowOptions.newBuilder()
            .setWorkflowId("drift/hello-service/" + plan.name() + "/" + System.nanoTime())
            .setTaskQueue(TaskQueues.RELEASE).build())
        .check(new DriftRequest("hello-service", plan, "test", false));
  }

  private static void sleep() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
