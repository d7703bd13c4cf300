package dev.gantry.workflows.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.environment.EnvironmentActivities;
import dev.gantry.workflows.api.policy.PolicyStamp;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackResult;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.rollback.RollbackPlanRequest;
import dev.gantry.workflows.api.rollback.RollbackPolicyActivities;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed rollbacks (issue #14, the gap left): the environment's plan comes from the worker's policy, and an
 * environment with signed actors is rolled back only with a one-time {@code rollback} token of one of its
 * approvers. Every refusal changes nothing, says why and is audited as refused.
 */
class SignedRollbackWorkflowTest {
  private static final String DIGEST = Releases.DIGEST;
  private static final String RELEASE = "release/" + Releases.APP + "/" + Releases.VERSION;
  static final ActorKeys ALICE = ActorKeys.generate();
  private static final ActorKeys DAN = ActorKeys.generate();
  private static final ActorKeys ERIN = ActorKeys.generate();
  private static final AtomicInteger IDS = new AtomicInteger();

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeAudit audit = new FakeAudit();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  /** The worker's policy: production signed (release-managers approve), staging plain. */
  static class Policy implements RollbackPolicyActivities {
    @Override
    public RollbackPlan resolveRollback(RollbackPlanRequest request) {
      Map<String, EnvironmentPlan> plans = Map.of("production", production(), "staging", staging());
      EnvironmentPlan plan = plans.get(request.environment());
      if (plan == null) {
        throw ApplicationFailure.newNonRetryableFailure("field 'environment': no environment "
            + request.environment(), Failures.POLICY_REFUSED);
      }
      return new RollbackPlan(plan, "/etc/gantry/approvers.yaml", new PolicyStamp("/policy", "sha256:abc", null));
    }
  }

  static EnvironmentPlan production() {
    EnvironmentPlan prod = Releases.example().environments().get(2);
    ApprovalPolicy signed = new ApprovalPolicy(true, List.of(), 2, 72, List.of("release-managers"), null, null,
        null, true, null);
    return prod.toBuilder()
        .approval(signed)
        .build();
  }

  static EnvironmentPlan staging() {
    return Releases.example().environments().get(1);
  }

  static class Directory implements ApproverDirectoryActivities {
    @Override
    public ApproverDirectory load(dev.gantry.workflows.api.approval.DirectoryRequest request) {
      return new ApproverDirectory(request.source(), Map.of(
          "alice", new Approver("alice", List.of("release-managers"), ALICE.publicKeyPem()),
          "dan", new Approver("dan", List.of("developers"), DAN.publicKeyPem()),
          "erin", new Approver("erin", List.of("emergency-approvers"), ERIN.publicKeyPem())));
    }
  }

  /** The target cannot read its regions back: the workflow records what the rollbacks restored. */
  static EnvironmentActivities unreadableEnvironments() {
    return (EnvironmentActivities) Proxy.newProxyInstance(EnvironmentActivities.class.getClassLoader(),
        new Class<?>[] {EnvironmentActivities.class}, (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> "unreadableEnvironments";
            };
          }
          throw ApplicationFailure.newNonRetryableFailure("not supported here", "Unsupported");
        });
  }

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    this.client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(EnvironmentRollbackWorkflowImpl.class,
        ActorTokenSpentWorkflowImpl.class);
    worker.registerActivitiesImplementations(deployments, audit, new Policy(), new Directory(),
        unreadableEnvironments());
    env.start();
    for (String region : Releases.PRODUCTION_REGIONS) {
      deployments.preinstall("production", region, "1.3.0");
      deployments.preinstall("production", region, Releases.VERSION);
    }
    for (String region : List.of("us-east-1", "eu-west-1")) {
      deployments.preinstall("staging", region, "1.3.0");
      deployments.preinstall("staging", region, Releases.VERSION);
    }
  }

  @Test
  void anUnsignedRollbackOfASignedEnvironmentIsRefusedAndNothingIsRolledBack() {
    assertThatThrownBy(() -> rollBack(request("production", "alice", null)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("rollback refused (nothing was rolled back)")
        .hasMessageContaining("field 'token' is missing")
        .hasMessageContaining("gantry approval-token --release " + RELEASE + " --action rollback");
    assertNothingRolledBack();
    assertRefusalAudited();
  }

  @Test
  void aTokenForAnotherEnvironmentIsRefused() {
    String forStaging = token(ALICE, RELEASE, "staging", ActorTokens.ROLLBACK, "alice");
    assertThatThrownBy(() -> rollBack(request("production", "alice", forStaging)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("the token is for another release, environment or artifact");
    assertNothingRolledBack();
    assertRefusalAudited();
  }

  @Test
  void aTokenForAnotherReleaseOrAnotherActionIsRefused() {
    String otherRelease = token(ALICE, "release/hello-service/1.3.0", "production", ActorTokens.ROLLBACK, "alice");
    assertThatThrownBy(() -> rollBack(request("production", "alice", otherRelease)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("the token is for another release, environment or artifact");
    String anApproval = token(ALICE, RELEASE, "production", ActorTokens.APPROVE, "alice");
    assertThatThrownBy(() -> rollBack(request("production", "alice", anApproval)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("the token is for action 'approve', not 'rollback'");
    assertNothingRolledBack();
  }

  @Test
  void aGoodTokenRollsBackAndAReplayedOneIsRefused() {
    String good = token(ALICE, RELEASE, "production", ActorTokens.ROLLBACK, "alice");
    EnvironmentRollbackResult result = rollBack(request("production", "alice", good));
    for (String ledger : Histories.children(client, lastRollbackId, "ActorTokenSpent")) {
      Histories.record(client, ledger, "actor-token-spent-rollback-hello-service-1.4.0-production");
    }
    assertThat(result.regions()).extracting(RegionStatus::state).containsOnly(RegionState.ROLLED_BACK);
    assertThat(result.regions()).hasSize(Releases.PRODUCTION_REGIONS.size());
    assertThat(result.regions().get(result.regions().size() - 1).region()).isEqualTo("us-east-1");
    Releases.PRODUCTION_REGIONS.forEach(region ->
        assertThat(deployments.currentVersion("production", region)).isEqualTo("1.3.0"));
    assertThat(audit.events).extracting(AuditEvent::kind, AuditEvent::outcome)
        .contains(org.assertj.core.groups.Tuple.tuple("rollback", "signed"));
    int rollbacks = deployments.calls("rollback").size();

    // the same token again (copied from the history): refused before anything is touched
    for (String region : Releases.PRODUCTION_REGIONS) {
      deployments.preinstall("production", region, Releases.VERSION);
    }
    assertThatThrownBy(() -> rollBack(request("production", "alice", good)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("this token (jti) was already used");
    assertThat(deployments.calls("rollback")).hasSize(rollbacks);
    Releases.PRODUCTION_REGIONS.forEach(region ->
        assertThat(deployments.currentVersion("production", region)).isEqualTo(Releases.VERSION));
    assertRefusalAudited();
  }

  @Test
  void someoneWhoIsNotAnApproverMayNotRollBackASignedEnvironmentEvenWithTheirOwnKey() {
    String dans = token(DAN, RELEASE, "production", ActorTokens.ROLLBACK, "dan");
    assertThatThrownBy(() -> rollBack(request("production", "dan", dans)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("dan may not roll back production");
    assertNothingRolledBack();
  }

  @Test
  void aTokenSignedWithAnotherPersonsKeyIsRefused() {
    String forged = token(DAN, RELEASE, "production", ActorTokens.ROLLBACK, "alice");
    assertThatThrownBy(() -> rollBack(request("production", "alice", forged)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("not signed by the key registered for alice");
    assertNothingRolledBack();
  }

  @Test
  void theEmergencyGroupMayRollBack() {
    String erins = token(ERIN, RELEASE, "production", ActorTokens.ROLLBACK, "erin");
    EnvironmentRollbackResult result = rollBack(request("production", "erin", erins));
    assertThat(result.regions()).extracting(RegionStatus::state).containsOnly(RegionState.ROLLED_BACK);
  }

  @Test
  void aPlainEnvironmentStillRollsBackWithoutAToken() {
    EnvironmentRollbackResult result = rollBack(request("staging", "dana", null));
    assertThat(result.regions()).extracting(RegionStatus::state).containsOnly(RegionState.ROLLED_BACK);
    assertThat(deployments.currentVersion("staging", "us-east-1")).isEqualTo("1.3.0");
    assertThat(result.recorded()).contains("recorded 1.3.0 as deployed in staging");
  }

  @Test
  void aPlanSentByTheClientIsRefused() {
    // an old client (or a crafted start) sends its own environment settings: policy owns them
    EnvironmentPlan mine = staging();
    EnvironmentRollbackRequest crafted = new EnvironmentRollbackRequest(RELEASE, Releases.APP, Releases.VERSION,
        DIGEST, mine, "dana", "bad canary");
    assertThatThrownBy(() -> rollBack(crafted))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("field 'environment' is not accepted");
    assertThat(deployments.calls("rollback")).isEmpty();
  }

  @Test
  void aPromotionsRollbackIsSignedForThePromotionsId() {
    String promotion = "promotion/" + Releases.APP + "/" + Releases.VERSION + "/production";
    String good = token(ALICE, promotion, "production", ActorTokens.ROLLBACK, "alice");
    EnvironmentRollbackResult result = rollBack(EnvironmentRollbackRequest.of(promotion, Releases.APP,
        Releases.VERSION, DIGEST, "production", "alice", "error rate up", good));
    assertThat(result.regions()).extracting(RegionStatus::state).containsOnly(RegionState.ROLLED_BACK);
    // a promotion to production is not a release id for staging
    assertThatThrownBy(() -> rollBack(EnvironmentRollbackRequest.of(promotion, Releases.APP, Releases.VERSION,
        DIGEST, "staging", "dana", "typo", null)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("must name one release");
  }

  @Test
  void aMultiLineOrHugeReasonIsRefused() {
    assertThatThrownBy(() -> rollBack(EnvironmentRollbackRequest.of(RELEASE, Releases.APP, Releases.VERSION,
        DIGEST, "staging", "dana", "line\n\u001b[2Jforged", null)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("field 'reason' must be one line");
    assertThatThrownBy(() -> rollBack(EnvironmentRollbackRequest.of(RELEASE, Releases.APP, Releases.VERSION,
        DIGEST, "staging", "dana", "x".repeat(5000), null)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("field 'reason' must be one line");
    assertThat(deployments.calls("rollback")).isEmpty();
  }

  @Test
  void anEnvironmentPolicyDoesNotKnowIsRefused() {
    assertThatThrownBy(() -> rollBack(request("qa", "dana", null)))
        .isInstanceOf(WorkflowFailedException.class).rootCause()
        .hasMessageContaining("no environment qa");
    assertThat(deployments.calls("rollback")).isEmpty();
  }

  private EnvironmentRollbackRequest request(String environment, String who, String token) {
    return EnvironmentRollbackRequest.of(RELEASE, Releases.APP, Releases.VERSION, DIGEST, environment, who,
        "error rate up", token);
  }

  /** The workflow id of the latest rollback {@link #rollBack} started. */
  private String lastRollbackId;

  private EnvironmentRollbackResult rollBack(EnvironmentRollbackRequest request) {
    lastRollbackId = request.workflowId() + "/" + IDS.incrementAndGet();
    EnvironmentRollbackWorkflow rollback = client.newWorkflowStub(EnvironmentRollbackWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(lastRollbackId)
            .setTaskQueue(TaskQueues.RELEASE)
            .build());
    return rollback.rollBack(request);
  }

  private String token(ActorKeys keys, String releaseId, String environment, String action, String who) {
    return keys.token(releaseId, environment, DIGEST, action, null, who, env.currentTimeMillis() / 1000, 600,
        "id-" + IDS.incrementAndGet());
  }

  private void assertNothingRolledBack() {
    assertThat(deployments.calls("rollback")).isEmpty();
    assertThat(deployments.calls("recordDeployment")).isEmpty();
    Releases.PRODUCTION_REGIONS.forEach(region ->
        assertThat(deployments.currentVersion("production", region)).isEqualTo(Releases.VERSION));
  }

  private void assertRefusalAudited() {
    assertThat(audit.events).extracting(AuditEvent::kind, AuditEvent::outcome)
        .contains(org.assertj.core.groups.Tuple.tuple("rollback", "refused"));
  }
}
