package dev.gantry.workflows.release;

import static dev.gantry.workflows.support.Watch.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import dev.gantry.workflows.api.window.FreezeSignal;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Signed actors (issue #14): every finding of the review as a release on the test server. Each of these
 * was accepted before; each is refused now, recorded as refused, and the release goes on waiting.
 */
class SignedActorsWorkflowTest {
  private static final String DIGEST = Releases.DIGEST;
  private static final ActorKeys ALICE = ActorKeys.generate();
  private static final ActorKeys BOB = ActorKeys.generate();
  private static final ActorKeys ERIN = ActorKeys.generate();
  private static final ActorKeys CI = ActorKeys.generate();
  private static final AtomicInteger IDS = new AtomicInteger();

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeAudit audit = new FakeAudit();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private ReleaseRequest request;

  /**
   * People and services with their keys. {@code al} is alice under a second name (same key); {@code carl}
   * holds the CI service's key.
   */
  static class Directory implements ApproverDirectoryActivities {
    @Override
    public ApproverDirectory load(dev.gantry.workflows.api.approval.DirectoryRequest request) {
      return new ApproverDirectory(request.source(), Map.of(
          "alice", new Approver("alice", List.of("release-managers"), ALICE.publicKeyPem()),
          "al", new Approver("al", List.of("release-managers"), ALICE.publicKeyPem()),
          "bob", new Approver("bob", List.of("release-managers"), BOB.publicKeyPem()),
          "carol", new Approver("carol", List.of("release-managers"), null),
          "carl", new Approver("carl", List.of("release-managers"), CI.publicKeyPem()),
          "erin", new Approver("erin", List.of("emergency-approvers"), ERIN.publicKeyPem()),
          "ci-bot", new Approver("ci-bot", List.of(), CI.publicKeyPem())));
    }
  }

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    this.client = env.getWorkflowClient();
    Releases.startWorker(env, deployments, audit, new Directory());
  }

  // ---- the request ----

  @Test
  void anUnsignedRequestToASignedEnvironmentIsRefusedAndRunsNothing() {
    ReleaseWorkflow release = start("ci-bot", null, signedPolicy(2));
    WorkflowFailedException failure = failure(release);
    assertThat(release.status().failureReason()).contains("field 'requestToken'").contains("is missing")
        .contains("--signing-key");
    assertThat(failure).isNotNull();
    assertThat(deployments.calls("deploy", "dev")).isEmpty();
    assertThat(audit.events).extracting(AuditEvent::kind, AuditEvent::outcome)
        .contains(org.assertj.core.groups.Tuple.tuple("release", "refused"));
  }

  @Test
  void aRequestByCiBotSignedWithAlicesOwnKeyIsRefused() {
    // finding: Alice started a release --requested-by ci-bot, then approved it with her own key
    ReleaseWorkflow release = start("ci-bot", ALICE, signedPolicy(2));
    failure(release);
    assertThat(release.status().failureReason()).contains("not signed by the key registered for ci-bot");
    assertThat(deployments.calls("deploy", "dev")).isEmpty();
  }

  @Test
  void aRequesterTypedInAnotherCaseIsNotAKnownActor() {
    // finding: --requested-by Alice, then --as alice was accepted
    ReleaseWorkflow release = start("Alice", ALICE, signedPolicy(2));
    failure(release);
    assertThat(release.status().failureReason()).contains("Alice has no key registered");
  }

  @Test
  void inPlainModeTheRequesterCannotApproveUnderTheSameNameInAnotherCase() {
    ApprovalPolicy plain = new ApprovalPolicy(true, List.of(), 1, 72, List.of("release-managers"), null, null,
        null, false, null);
    ReleaseWorkflow release = start("Alice", null, plain);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));
    assertThatThrownBy(() -> release.submitApproval(ApprovalSignal.of("alice", DIGEST, "mine")))
        .isInstanceOf(WorkflowUpdateException.class).rootCause()
        .hasMessageContaining("separation of duties: alice requested this release");
  }

  // ---- approvals: keys, not names ----

  @Test
  void typedNamesNoLongerMakeAQuorum() {
    // finding: from one OS user, --as alice and --as carol made a whole quorum
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2));
    release.approve(ApprovalSignal.of("alice", DIGEST, "LGTM"));
    release.approve(ApprovalSignal.of("carol", DIGEST, "LGTM"));
    ReleaseStatus status = awaitStatus(release, s -> s.approvals().size() == 2);
    assertThat(status.approvals()).allSatisfy(a -> assertThat(a.accepted()).isFalse());
    assertThat(status.approvals().get(0).reason()).contains("field 'token' is missing");
    assertThat(status.approvals().get(1).reason()).contains("carol has no key registered");
    assertThat(status.stage()).isEqualTo("approval:production");
    awaitAudit(2);
    assertThat(audit.events).filteredOn(e -> e.kind().equals("approval"))
        .allSatisfy(e -> assertThat(e.outcome()).isEqualTo("refused"));

    release.approve(approval("alice", ALICE));
    release.approve(approval("bob", BOB));
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
  }

  @Test
  void theRequestersKeyMayNotApproveUnderAnotherName() {
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2));
    assertThatThrownBy(() -> release.submitApproval(approval("carl", CI)))
        .isInstanceOf(WorkflowUpdateException.class).rootCause()
        .hasMessageContaining("separation of duties: carl signs with the key of the requester ci-bot");
    release.approve(approval("carl", CI));
    awaitStatus(release, s -> s.approvals().size() == 1);
    assertThat(release.status().approvals().get(0).accepted()).isFalse();
    assertThat(release.submitApproval(approval("alice", ALICE)).accepted()).isTrue();
    assertThat(release.submitApproval(approval("bob", BOB)).accepted()).isTrue();
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
  }

  @Test
  void twoNamesWithOneKeyCountOnce() {
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2));
    assertThat(release.submitApproval(approval("alice", ALICE)).detail()).isEqualTo("1 of 2 approval(s)");
    assertThatThrownBy(() -> release.submitApproval(approval("al", ALICE)))
        .isInstanceOf(WorkflowUpdateException.class).rootCause()
        .hasMessageContaining("already approved production as alice: one key counts once");
    assertThat(release.status().stage()).isEqualTo("approval:production");
    assertThat(release.submitApproval(approval("bob", BOB)).detail()).isEqualTo("2 of 2 approval(s)");
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
  }

  // ---- one-time ids and lifetimes ----

  @Test
  void aTokenCopiedFromHistoryIsRefusedAlsoAfterTheApprovalExpired() {
    // finding: a token copied from history re-approved after the approval had expired
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2, 1));
    String token = approvalToken("alice", ALICE, 3600);
    assertThat(release.submitApproval(ApprovalSignal.of("alice", DIGEST, "LGTM").withToken(token)).accepted())
        .isTrue();
    env.sleep(Duration.ofMinutes(30));
    assertThatThrownBy(() -> release.submitApproval(ApprovalSignal.of("alice", DIGEST, "again").withToken(token)))
        .rootCause().hasMessageContaining("already used");
    env.sleep(Duration.ofMinutes(31)); // the approval (1 h) has expired
    release.approve(ApprovalSignal.of("alice", DIGEST, "again").withToken(token));
    ReleaseStatus status = awaitStatus(release, s -> s.approvals().size() == 2);
    assertThat(status.approvals().get(1).accepted()).isFalse();
    assertThat(status.approvals().get(1).reason()).containsAnyOf("already used", "expired");
    assertThat(status.stage()).isEqualTo("approval:production");
    assertThat(timeline(status)).noneMatch(line -> line.contains(token));
  }

  @Test
  void aTokenLivingLongerThanPolicyAllowsIsRefused() {
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2));
    String tenYears = approvalToken("alice", ALICE, 3650L * 86_400);
    assertThatThrownBy(() -> release.submitApproval(ApprovalSignal.of("alice", DIGEST, "ok").withToken(tenYears)))
        .rootCause().hasMessageContaining("longer than the policy's maxTokenLifetime of 3600 s");
  }

  // ---- every other message ----

  @Test
  void aPlainOverrideClaimingToBeErinIsRefusedAndHerSignedOneCounts() {
    // finding: a plain signal claiming to be erin overrode a closed window in a signed environment
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2));
    release.override(new OverrideSignal("erin", "window", "the fix must ship now", "INC-4711", "production", null));
    ReleaseStatus status = awaitStatus(release, s -> s.overrides().size() == 1);
    assertThat(status.overrides().get(0).accepted()).isFalse();
    assertThat(status.overrides().get(0).reason()).contains("field 'token' is missing");
    awaitAudit(1);
    assertThat(audit.events).filteredOn(e -> e.kind().equals("override"))
        .singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo("refused"));

    String forQuality = token("erin", ERIN, ActorTokens.OVERRIDE, "production", "quality");
    assertThatThrownBy(() -> release.submitOverride(new OverrideSignal("erin", "window", "the fix must ship now",
        "INC-4711", "production", null).withToken(forQuality)))
        .rootCause().hasMessageContaining("not 'window'");
    String forWindow = token("erin", ERIN, ActorTokens.OVERRIDE, "production", "window");
    assertThat(release.submitOverride(new OverrideSignal("erin", "window", "the fix must ship now", "INC-4711",
        "production", null).withToken(forWindow)).accepted()).isTrue();
  }

  @Test
  void pauseResumeFreezeAndChangeBoardDecisionsMustBeSigned() {
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2));
    release.pause(new PauseSignal("bob", "incident"));
    release.freeze(new FreezeSignal("production", "2030-12-24", "2030-12-26", "holidays", "bob"));
    release.cabDecision(new CabDecisionSignal("production", "CHG-1", "APPROVED", "bob", "fine"));
    ReleaseStatus status = awaitStatus(release, s -> timeline(s).stream().filter(l -> l.contains("refused")).count() >= 3);
    assertThat(timeline(status)).anyMatch(l -> l.startsWith("pause refused: field 'token' is missing"))
        .anyMatch(l -> l.startsWith("freeze refused: field 'token' is missing"))
        .anyMatch(l -> l.startsWith("change board decision refused: field 'token' is missing"));
    awaitAudit(3);
    assertThat(audit.events).extracting(AuditEvent::kind, AuditEvent::outcome)
        .contains(org.assertj.core.groups.Tuple.tuple("pause", "refused"),
            org.assertj.core.groups.Tuple.tuple("freeze", "refused"),
            org.assertj.core.groups.Tuple.tuple("cab-decision", "refused"));

    String pause = token("bob", BOB, ActorTokens.PAUSE, null, null);
    release.pause(new PauseSignal("bob", "incident").withToken(pause));
    awaitStatus(release, s -> timeline(s).stream().anyMatch(l -> l.startsWith("PAUSED by bob")));
    release.resume(new PauseSignal("bob", "over").withToken(token("bob", BOB, ActorTokens.RESUME, null, null)));
    awaitStatus(release, s -> timeline(s).stream().anyMatch(l -> l.startsWith("resumed by bob")));
    release.pause(new PauseSignal("bob", "incident").withToken(pause));
    awaitStatus(release, s -> timeline(s).stream().anyMatch(l -> l.startsWith("pause refused: this token (jti) was already used")));

    String freeze = token("bob", BOB, ActorTokens.FREEZE, "production", "2030-12-24..2030-12-26");
    release.freeze(new FreezeSignal("production", "2030-12-24", "2030-12-26", "holidays", "bob").withToken(freeze));
    awaitStatus(release, s -> timeline(s).stream().anyMatch(l -> l.startsWith("freeze added")));
  }

  @Test
  void anAbortMustBeSignedAndASignedOneStopsTheReleaseSayingWhoAndWhy() {
    ReleaseWorkflow release = startAtProductionGate(signedPolicy(2));
    release.abort(new PauseSignal("bob", "wrong build"));
    awaitStatus(release, s -> timeline(s).stream().anyMatch(l -> l.startsWith("abort refused: field 'token' is missing")));
    assertThat(release.status().stage()).isEqualTo("approval:production");

    release.abort(new PauseSignal("bob", "wrong build").withToken(token("bob", BOB, ActorTokens.ABORT, null, null)));
    WorkflowFailedException failure = failure(release);
    assertThat(dev.gantry.workflows.support.Watch.failureOfType(failure, dev.gantry.workflows.api.temporal.Failures.ABORTED)
        .getOriginalMessage()).isEqualTo("aborted by bob: wrong build");
    assertThat(release.status().state()).isEqualTo(ReleaseState.FAILED);
    assertThat(release.status().failureReason()).isEqualTo("aborted by bob: wrong build");
    assertThat(deployments.calls("deploy", "production")).isEmpty();
  }

  // ---- helpers ----

  private static ApprovalPolicy signedPolicy(int min) {
    return signedPolicy(min, null);
  }

  private static ApprovalPolicy signedPolicy(int min, Integer expiresAfterHours) {
    return new ApprovalPolicy(true, List.of(), min, 72, List.of("release-managers"), expiresAfterHours, null,
        null, true, null);
  }

  private ApprovalSignal approval(String who, ActorKeys keys) {
    return ApprovalSignal.of(who, DIGEST, "LGTM").withToken(approvalToken(who, keys, 600));
  }

  private String approvalToken(String who, ActorKeys keys, long lifetime) {
    return keys.token(request.releaseId(), "production", DIGEST, ActorTokens.APPROVE, null, who,
        env.currentTimeMillis() / 1000, lifetime, "id-" + IDS.incrementAndGet());
  }

  private String token(String who, ActorKeys keys, String action, String environment, String detail) {
    return keys.token(request.releaseId(), environment, DIGEST, action, detail, who,
        env.currentTimeMillis() / 1000, 600, "id-" + IDS.incrementAndGet());
  }

  private ReleaseWorkflow startAtProductionGate(ApprovalPolicy production) {
    ReleaseWorkflow release = start("ci-bot", CI, production);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));
    return release;
  }

  private ReleaseWorkflow start(String requester, ActorKeys signer, ApprovalPolicy production) {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>(example.environments());
    EnvironmentPlan prod = environments.get(2);
    environments.set(2, prod.toBuilder()
        .approval(production)
        .build());
    request = new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        requester, example.specSource(), "/etc/gantry/approvers.yaml");
    if (signer != null) {
      request = request.withRequestToken(signer.token(request.releaseId(), null, DIGEST, ActorTokens.REQUEST, null,
          requester, env.currentTimeMillis() / 1000, 600, "id-" + IDS.incrementAndGet()));
    }
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    return release;
  }

  /** The audit pump writes after the status changes: wait for this many refusals to be written. */
  private void awaitAudit(int refusals) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (audit.events.stream().filter(e -> "refused".equals(e.outcome())).count() < refusals
        && System.nanoTime() < deadline) {
      env.sleep(Duration.ofMillis(50));
    }
  }

  private static List<String> timeline(ReleaseStatus status) {
    return status.timeline().stream().map(TimelineEntry::event).toList();
  }

  private static ReleaseStatus result(ReleaseWorkflow release) {
    return WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
  }

  private static WorkflowFailedException failure(ReleaseWorkflow release) {
    try {
      WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
    } catch (WorkflowFailedException e) {
      return e;
    }
    throw new AssertionError("the release did not fail");
  }
}
