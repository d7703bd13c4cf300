package dev.gantry.workflows.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.environment.DecommissionRequest;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DestroyApproval;
import dev.gantry.workflows.api.environment.DriftItem;
import dev.gantry.workflows.api.environment.DriftPolicy;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.DriftRequest;
import dev.gantry.workflows.api.environment.EnvironmentConfig;
import dev.gantry.workflows.api.environment.Infrastructure;
import dev.gantry.workflows.api.environment.ProvisionRequest;
import dev.gantry.workflows.api.environment.ProvisionResult;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.Registration;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import dev.gantry.workflows.failover.TrafficOwnerWorkflow;
import dev.gantry.workflows.failover.TrafficOwnerWorkflowImpl;
import dev.gantry.workflows.rollback.ActorTokenSpentWorkflowImpl;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeEnvironments;
import dev.gantry.workflows.support.FakeRegionTraffic;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Creating, checking and destroying an environment with in-memory ports (time skipping). The real adapters run
 * these workflows in the activities module ({@code EnvironmentWorkflowsLocalTest}); here they also record the
 * histories that {@code RecordedHistoriesTest} replays.
 */
class EnvironmentWorkflowsTest {
  static final ActorKeys ALICE = ActorKeys.generate();
  static final ActorKeys BOB = ActorKeys.generate();
  private static final HealthCheck HEALTH = new HealthCheck("true", null, 10, 1, 1);

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final FakeEnvironments environments = new FakeEnvironments();
  private final FakeRegionTraffic route53 = new FakeRegionTraffic();
  private final FakeAudit audit = new FakeAudit();

  private final dev.gantry.workflows.support.OwnersInPolicy owners = new dev.gantry.workflows.support.OwnersInPolicy();

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(EnvironmentProvisionWorkflowImpl.class,
        DriftDetectionWorkflowImpl.class, EnvironmentDecommissionWorkflowImpl.class, TrafficOwnerWorkflowImpl.class,
        ActorTokenSpentWorkflowImpl.class);
    ApproverDirectoryActivities directory = request -> new ApproverDirectory(request.source(), java.util.Map.of(
        "alice", new Approver("alice", List.of(), ALICE.publicKeyPem()),
        "bob", new Approver("bob", List.of(), BOB.publicKeyPem())));
    worker.registerActivitiesImplementations(environments.lookUpDestroysWith(env.getWorkflowClient()), route53, audit,
        owners, directory);
    env.start();
  }

  @AfterEach
  void close() {
    env.close();
  }

  private static EnvironmentPlan preview(EnvironmentConfig config, ApprovalPolicy approval) {
    return environment("preview", config, approval);
  }

  private static EnvironmentPlan environment(String name, EnvironmentConfig config, ApprovalPolicy approval) {
    return EnvironmentPlan.builder()
        .name(name)
        .primaryRegion("us-east-1")
        .waves(List.of(FakeRegionTraffic.REGIONS))
        .target(FakeRegionTraffic.target())
        .healthCheck(HEALTH)
        .approval(approval)
        .variables(Map.of("LOG_LEVEL", "debug"))
        .verification(VerificationPolicy.notRequired())
        .environmentConfig(config)
        .build();
  }

  @Test
  void anEnvironmentIsCreatedInEveryRegionAndRegisteredWithItsExpiry() {
    EnvironmentPlan plan = preview(new EnvironmentConfig(true, null, new Infrastructure("preview.yaml", null,
        Map.of()), 48, null, null), ApprovalPolicy.none());
    owners.define(Releases.APP, plan);
    ProvisionRequest request = new ProvisionRequest(Releases.APP, plan, "dana");

    ProvisionResult created = client.newWorkflowStub(EnvironmentProvisionWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build()).provision(request);

    assertThat(created.stacks()).hasSize(FakeRegionTraffic.REGIONS.size());
    assertThat(created.expiresAt()).isNotNull();
    assertThat(environments.registrations).containsKey("preview");
    Histories.record(client, request.workflowId(), "provision-hello-service-preview-from-policy");
  }

  @Test
  void driftIsReportedAndTheConfigurationReappliedOnceApproved() {
    EnvironmentPlan plan = preview(new EnvironmentConfig(true, null, null, null,
        new DriftPolicy(60, List.of("carol"), 24), null), ApprovalPolicy.none());
    environments.recorded.put("preview", new RecordedDeployment("release/hello-service/1.4.0", "1.4.0",
        Releases.DIGEST, FakeRegionTraffic.REGIONS, "2026-01-01T00:00:00Z"));
    environments.runs("preview", FakeRegionTraffic.REGIONS, "1.4.0", Releases.DIGEST);
    environments.runs("preview", List.of("eu-west-1"), "1.3.0", Releases.DIGEST);
    owners.define(Releases.APP, plan);
    String id = "drift/hello-service/preview";
    DriftDetectionWorkflow drift = client.newWorkflowStub(DriftDetectionWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(drift::check, new DriftRequest(Releases.APP, plan, "dana", true));
    await(() -> drift.report() != null && drift.report().remediation().startsWith("waiting for approval"));

    drift.approveRemediation(new DestroyApproval("carol", "put it back"));
    DriftReport report = WorkflowStub.fromTyped(drift).getResult(DriftReport.class);

    assertThat(report.differences()).extracting(DriftItem::kind).contains("version", "parameter");
    assertThat(report.remediation()).startsWith("configuration re-applied (approved by carol)");
    assertThat(environments.applied).hasSize(1);
    Histories.record(client, id, "drift-hello-service-preview-remediated-from-policy");
  }

  @Test
  void aDestroyStopsTheTrafficOwnerDrainsDeletesArchivesAndDeletesTheSchedules() {
    String ownerId = ReleaseIds.traffic(Releases.APP, "api.hello.example.com");
    TrafficOwnerWorkflow owner = client.newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ownerId).setTaskQueue(TaskQueues.RELEASE).build());
    TrafficOwnerRequest ownerRequest = new TrafficOwnerRequest(Releases.APP, "preview", FakeRegionTraffic.REGIONS,
        FakeRegionTraffic.target(), null, 30, List.of("carol"), null);
    owners.define(ownerRequest);
    WorkflowClient.start(owner::own, ownerRequest);
    EnvironmentPlan plan = preview(null, new ApprovalPolicy(true, List.of("alice", "bob"), 1, null));
    environments.registrations.put("preview", new Registration(Releases.APP, "preview", plan.target(), "us-east-1",
        List.of(), "dana", "2026-01-01T00:00:00Z", null));
    owners.define(Releases.APP, plan);
    DecommissionRequest request = new DecommissionRequest(Releases.APP, plan, "dana", "preview done", true, false);
    EnvironmentDecommissionWorkflow destroy = client.newWorkflowStub(EnvironmentDecommissionWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(destroy::destroy, request);
    await(() -> destroy.stage().startsWith("waiting for approval"));

    destroy.approve(new DestroyApproval("alice", "yes"));
    DecommissionResult result = WorkflowStub.fromTyped(destroy).getResult(DecommissionResult.class);

    assertThat(result.state()).as(result.detail()).isEqualTo("DESTROYED");
    assertThat(result.detail()).contains("deleted schedule(s)");
    assertThat(route53.weights().values()).containsOnly(0);
    assertThat(environments.archived).containsExactly("preview");
    assertThat(WorkflowStub.fromTyped(owner).getResult(TrafficOwnerStatus.class).stopped()).isTrue();
    assertThat(audit.events).anyMatch(e -> "traffic owner stopped".equals(e.outcome()));
    Histories.record(client, request.workflowId(), "decommission-hello-service-preview-owner-stopped");
  }

  /**
   * Whoever starts an environment workflow names the application and the environment; the rest comes from the
   * worker's policy. A destroy that claims to come from the expiry schedule is refused while the environment has
   * not expired; one that brings its own approvers (mallory) waits for the policy's (alice, bob); a create for an
   * environment the policy does not have is refused before anything is created.
   */
  @Test
  void aClientChoosesNeitherTheApproversNorAnExpiryNorAnEnvironmentPolicyLacks() {
    EnvironmentPlan declared = preview(null, new ApprovalPolicy(true, List.of("alice", "bob"), 1, null));
    owners.define(Releases.APP, declared);
    environments.registrations.put("preview", new Registration(Releases.APP, "preview", declared.target(),
        "us-east-1", List.of(), "dana", "2026-01-01T00:00:00Z", "2999-01-01T00:00:00Z"));
    EnvironmentPlan claimed = preview(null, new ApprovalPolicy(true, List.of("mallory"), 1, null));

    DecommissionRequest claimsExpiry = new DecommissionRequest(Releases.APP, claimed, "mallory", "mine", true, true);
    DecommissionResult early = client.newWorkflowStub(EnvironmentDecommissionWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(claimsExpiry.workflowId()).setTaskQueue(TaskQueues.RELEASE).build())
        .destroy(claimsExpiry);
    assertThat(early.state()).isEqualTo("REFUSED");
    assertThat(early.detail()).contains("field 'expired' is true, but preview expires only at 2999-01-01T00:00:00Z");
    assertThat(environments.archived).isEmpty();

    DecommissionRequest ownApprovers = new DecommissionRequest(Releases.APP, claimed, "dana", "cleanup", true, false);
    EnvironmentDecommissionWorkflow destroy = client.newWorkflowStub(EnvironmentDecommissionWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ownApprovers.workflowId() + "-2").setTaskQueue(TaskQueues.RELEASE)
            .build());
    WorkflowClient.start(destroy::destroy, ownApprovers);
    await(() -> destroy.stage().startsWith("waiting for approval"));
    assertThat(destroy.stage()).contains("alice, bob").doesNotContain("mallory");
    assertThatThrownBy(() -> destroy.approve(new DestroyApproval("mallory", "yes")))
        .hasStackTraceContaining("mallory may not approve destroying preview");
    WorkflowStub.fromTyped(destroy).terminate("test over");

    ProvisionRequest sandbox = new ProvisionRequest(Releases.APP, environment("sandbox", null, ApprovalPolicy.none()),
        "dana");
    assertThatThrownBy(() -> client.newWorkflowStub(EnvironmentProvisionWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(sandbox.workflowId()).setTaskQueue(TaskQueues.RELEASE).build()).provision(sandbox))
        .rootCause().hasMessageContaining("refused (nothing was changed)").hasMessageContaining("sandbox");
    assertThat(environments.registrations).doesNotContainKey("sandbox");
  }

  /**
   * Where the environment requires signed actors, a destroy approval is a one-time {@code destroy} token of the
   * approver, not a typed name: unsigned, someone else's key, or a token used twice are refused at once.
   */
  @Test
  void aSignedEnvironmentIsDestroyedOnlyWithAnApproversSignedToken() {
    ApprovalPolicy signed = new ApprovalPolicy(true, List.of("alice", "bob"), 1, 72, List.of(), null, null, null,
        true, null);
    EnvironmentPlan plan = preview(null, signed);
    owners.define(Releases.APP, plan);
    environments.registrations.put("preview", new Registration(Releases.APP, "preview", plan.target(), "us-east-1",
        List.of(), "dana", "2026-01-01T00:00:00Z", null));
    // the environment's traffic owner, signed too: it stops for this destroy only once the destroy is approved
    TrafficOwnerWorkflow owner = client.newWorkflowStub(TrafficOwnerWorkflow.class, WorkflowOptions.newBuilder()
        .setWorkflowId(ReleaseIds.traffic(Releases.APP, "api.hello.example.com")).setTaskQueue(TaskQueues.RELEASE)
        .build());
    TrafficOwnerRequest ownerRequest = new TrafficOwnerRequest(Releases.APP, "preview", FakeRegionTraffic.REGIONS,
        FakeRegionTraffic.target(), null, 30, List.of(), null);
    owners.define(ownerRequest, signed, "/etc/gantry/approvers.yaml");
    WorkflowClient.start(owner::own, ownerRequest);
    DecommissionRequest request = new DecommissionRequest(Releases.APP, plan, "dana", "preview done", true, false);
    EnvironmentDecommissionWorkflow destroy = client.newWorkflowStub(EnvironmentDecommissionWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(destroy::destroy, request);
    await(() -> destroy.stage().startsWith("waiting for approval"));
    long now = env.currentTimeMillis() / 1000;

    assertThatThrownBy(() -> destroy.approve(new DestroyApproval("alice", "yes")))
        .hasStackTraceContaining("field 'token' is missing");
    String bobsKeyAsAlice = BOB.token(request.workflowId(), "preview", ActorTokens.NO_ARTIFACT, ActorTokens.DESTROY,
        null, "alice", now, 600, "destroy-1");
    assertThatThrownBy(() -> destroy.approve(new DestroyApproval("alice", "yes", bobsKeyAsAlice)))
        .hasStackTraceContaining("not signed by the key registered for alice");
    assertThat(environments.archived).isEmpty();

    destroy.approve(new DestroyApproval("alice", "yes", ALICE.token(request.workflowId(), "preview",
        ActorTokens.NO_ARTIFACT, ActorTokens.DESTROY, null, "alice", now, 600, "destroy-2")));
    DecommissionResult result = WorkflowStub.fromTyped(destroy).getResult(DecommissionResult.class);

    assertThat(result.state()).as(result.detail()).isEqualTo("DESTROYED");
    assertThat(audit.events).anyMatch(e -> "approval signed".equals(e.outcome())
        && e.detail().contains(ALICE.thumbprint()));
    assertThat(WorkflowStub.fromTyped(owner).getResult(TrafficOwnerStatus.class).stopped()).isTrue();
    assertThat(route53.weights().values()).as("drained after the owner stopped").containsOnly(0);
  }

  /** In a signed environment re-applying drifted configuration needs the approver's one-time remediate token. */
  @Test
  void aSignedEnvironmentsConfigurationIsReappliedOnlyWithAnApproversSignedToken() {
    ApprovalPolicy signed = new ApprovalPolicy(true, List.of("bob"), 1, 72, List.of(), null, null, null, true, null);
    EnvironmentPlan plan = preview(new EnvironmentConfig(true, null, null, null,
        new DriftPolicy(60, List.of("alice"), 24), null), signed);
    owners.define(Releases.APP, plan);
    environments.recorded.put("preview", new RecordedDeployment("release/hello-service/1.4.0", "1.4.0",
        Releases.DIGEST, FakeRegionTraffic.REGIONS, "2026-01-01T00:00:00Z"));
    environments.runs("preview", FakeRegionTraffic.REGIONS, "1.4.0", Releases.DIGEST);
    String id = "drift/hello-service/preview";
    DriftDetectionWorkflow drift = client.newWorkflowStub(DriftDetectionWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(drift::check, new DriftRequest(Releases.APP, plan, "dana", true));
    await(() -> drift.report() != null && drift.report().remediation().startsWith("waiting for approval"));

    assertThatThrownBy(() -> drift.approveRemediation(new DestroyApproval("alice", "put it back")))
        .hasStackTraceContaining("field 'token' is missing");
    assertThat(environments.applied).isEmpty();
    drift.approveRemediation(new DestroyApproval("alice", "put it back", ALICE.token(id, "preview",
        ActorTokens.NO_ARTIFACT, ActorTokens.REMEDIATE, null, "alice", env.currentTimeMillis() / 1000, 600,
        "remediate-1")));
    DriftReport report = WorkflowStub.fromTyped(drift).getResult(DriftReport.class);

    assertThat(report.remediation()).startsWith("configuration re-applied (approved by alice)");
    assertThat(environments.applied).hasSize(1);
  }

  private void await(BooleanSupplier condition) {
    for (int i = 0; i < 600; i++) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException notYet) {
        // the workflow has not started or answered yet
      }
      env.sleep(Duration.ofMillis(100));
    }
    throw new AssertionError("the condition was never met");
  }
}
