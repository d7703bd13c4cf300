package dev.gantry.workflows.release;

import static dev.gantry.workflows.support.Watch.awaitStatus;
import static dev.gantry.workflows.support.Watch.failureOfType;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.Releases;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The human gates inside a running release, with time skipping for the hours and days they take. */
class GateWorkflowTest {
  private static final String DIGEST = Releases.DIGEST;

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeAudit audit = new FakeAudit();
  private static final Inbox NOTIFICATIONS = new Inbox();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  /** The directory the release reads when it starts and when a gate opens. */
  static class Directory implements ApproverDirectoryActivities {
    @Override
    public ApproverDirectory load(dev.gantry.workflows.api.approval.DirectoryRequest request) {
      return new ApproverDirectory(request.source(), Map.of(
          "alice", new Approver("alice", List.of("release-managers"), null),
          "bob", new Approver("bob", List.of("release-managers"), null),
          "carol", new Approver("carol", List.of("senior-engineers"), null),
          "quinn", new Approver("quinn", List.of("qa"), null),
          "erin", new Approver("erin", List.of("emergency-approvers"), null)));
    }
  }

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    this.client = env.getWorkflowClient();
    NOTIFICATIONS.received.clear();
    Releases.startWorker(env, deployments, audit, new Directory(), NOTIFICATIONS);
  }

  @Test
  void anAuthorizedRejectionStopsTheReleaseBeforeProduction() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, null));
    release.reject(new RejectionSignal("quinn", "I do not like it"));
    release.reject(new RejectionSignal("bob", "error budget exhausted"));

    WorkflowFailedException failure = failure(release);
    assertThat(failureOfType(failure, Failures.REJECTED).getOriginalMessage())
        .isEqualTo("production: rejected by bob: error budget exhausted");
    assertThat(deployments.calls("deploy", "production")).isEmpty();
    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.failureReason()).contains("rejected by bob");
    assertThat(audit.events).extracting(AuditEvent::kind, AuditEvent::actor, AuditEvent::outcome)
        .contains(org.assertj.core.groups.Tuple.tuple("rejection", "quinn", "refused"),
            org.assertj.core.groups.Tuple.tuple("rejection", "bob", "accepted"),
            org.assertj.core.groups.Tuple.tuple("release", null, "failed"));
  }

  @Test
  void updatesAreRefusedAtOnceAndLeaveNoTraceInHistory() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, null));

    assertThatThrownBy(() -> release.submitApproval(ApprovalSignal.of("quinn", DIGEST, "me too")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("quinn is not allowed to approve production");
    assertThatThrownBy(() -> release.submitApproval(ApprovalSignal.of("alice", "sha256:" + "0".repeat(64), "")))
        .isInstanceOf(WorkflowUpdateException.class)
        .rootCause().hasMessageContaining("but this release deploys " + DIGEST);

    GateDecision first = release.submitApproval(ApprovalSignal.of("alice", DIGEST, "LGTM"));
    assertThat(first.accepted()).isTrue();
    assertThat(first.detail()).isEqualTo("1 of 2 approval(s)");
    assertThat(release.submitApproval(ApprovalSignal.of("carol", DIGEST, "ok")).detail())
        .isEqualTo("2 of 2 approval(s)");
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);

    var history = client.fetchHistory(request().releaseId()).getHistory().getEventsList();
    long acceptedUpdates = history.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED).count();
    assertThat(acceptedUpdates).as("only the two valid approvals reached history").isEqualTo(2);
  }

  @Test
  void theUiCurrentDetailsSayWhatToSendAndFollowTheApprovals() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, null));
    String before = currentDetails();
    ApprovalPolicy production = request().environment("production").orElseThrow().approval();
    assertThat(before).contains("waits for approval in production", "Approved so far: **0 of 2**",
        "```json\n" + ApproverView.payload(request(), "production", production) + "\n```",
        "```sh\n" + ApproverView.approveCommand(request(), "production", production) + "\n```",
        "members of `release-managers`", "`submitApproval`");

    release.submitApproval(ApprovalSignal.of("alice", DIGEST, "LGTM"));
    release.approve(ApprovalSignal.of("quinn", DIGEST, "refused: not allowed"));
    awaitStatus(release, s -> s.approvals().size() == 2);
    assertThat(currentDetails()).contains("Approved so far: **1 of 2** (`alice`)", "Still needed: **1** more");

    release.submitApproval(ApprovalSignal.of("carol", DIGEST, "ok"));
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(currentDetails()).doesNotContain("waits for approval").contains("SUCCEEDED");
  }

  /** What the Temporal UI shows as the release's Current Details (the SDK's metadata query). */
  private String currentDetails() {
    return client.newUntypedWorkflowStub(request().releaseId())
        .query("__temporal_workflow_metadata", io.temporal.api.sdk.v1.WorkflowMetadata.class)
        .getCurrentDetails();
  }

  @Test
  void garbageInAnySignalLeavesTheReleaseWaiting() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, null));
    io.temporal.client.WorkflowStub raw = client.newUntypedWorkflowStub(request().releaseId());
    for (String signal : List.of("approve", "reject", "override", "freeze", "cabDecision", "aprove")) {
      raw.signal(signal, "{not json at all");
      raw.signal(signal, 42);
      raw.signal(signal, List.of("an", "array"));
    }
    raw.signal("approve", Map.of("approver", List.of("alice")));
    ReleaseStatus waiting = awaitStatus(release, s -> s.approvals().size() == 4
        && s.timeline().stream().filter(e -> e.event().contains("malformed cabDecision")).count() == 3);
    assertThat(waiting.state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);
    assertThat(waiting.approvals()).allSatisfy(a -> {
      assertThat(a.accepted()).isFalse();
      assertThat(a.reason()).startsWith("malformed approve message");
    });
    assertThat(waiting.overrides()).hasSize(3).allSatisfy(o -> assertThat(o.accepted()).isFalse());
    for (String kind : List.of("reject", "freeze", "cabDecision")) {
      assertThat(waiting.timeline()).filteredOn(e -> e.event().contains("malformed " + kind + " message"))
          .as(kind).hasSize(3);
    }

    release.approve(ApprovalSignal.of("alice", DIGEST, "now for real"));
    release.approve(ApprovalSignal.of("carol", DIGEST, "ok"));
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
    // 4 approve + 3 reject + 3 override + 3 freeze + 3 cabDecision refusals, all in the audit trail
    assertThat(audit.events).filteredOn(e -> "refused".equals(e.outcome())).hasSize(16);
  }

  /** Every notification the release sends. */
  static class Inbox implements dev.gantry.workflows.api.notify.NotifyActivities {
    final List<dev.gantry.workflows.api.notify.Notification> received =
        new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public dev.gantry.workflows.api.notify.NotificationReceipt send(
        dev.gantry.workflows.api.notify.Notification notification) {
      received.add(notification);
      return new dev.gantry.workflows.api.notify.NotificationReceipt(200, "ok");
    }
  }

  @Test
  void approversAreNotifiedWhenTheGateOpensAndAgainOnEscalation() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, 24),
        new dev.gantry.workflows.api.notify.NotifyPolicy("SLACK_URL", null, List.of("here"),
            "https://temporal.example"));
    env.sleep(Duration.ofHours(25));
    awaitStatus(release, s -> s.timeline().stream().filter(e -> e.event().startsWith("notified")).count() == 2);
    assertThat(NOTIFICATIONS.received).hasSize(2);
    var opened = NOTIFICATIONS.received.get(0);
    assertThat(opened.title()).isEqualTo("hello-service 1.4.0 waits for approval in production");
    assertThat(opened.cliCommand()).isEqualTo("gantry release approve release/hello-service/1.4.0 --as <you>");
    assertThat(opened.uiLink()).isEqualTo(
        "https://temporal.example/namespaces/UnitTest/workflows/release%2Fhello-service%2F1.4.0/"
            + io.temporal.client.WorkflowStub.fromTyped(release).getExecution().getRunId() + "/user-metadata");
    assertThat(opened.webhookUrlEnv()).isEqualTo("SLACK_URL");
    assertThat(opened.webhookUrl()).as("the secret URL never enters the history").isNull();
    assertThat(NOTIFICATIONS.received.get(1).title()).startsWith("ESCALATION");
    assertThat(NOTIFICATIONS.received.get(1).text()).contains("escalated to engineering-managers");
  }

  @Test
  void aPausedReleaseStartsNothingNewUntilResumed() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, null));
    release.pause(new dev.gantry.workflows.api.release.PauseSignal("alice", null));
    release.pause(new dev.gantry.workflows.api.release.PauseSignal("alice", "incident INC-7 in progress"));
    release.approve(ApprovalSignal.of("alice", DIGEST, "ok"));
    release.approve(ApprovalSignal.of("carol", DIGEST, "ok"));
    ReleaseStatus held = awaitStatus(release, s -> "paused".equals(s.stage()));
    assertThat(held.state()).isEqualTo(ReleaseState.WAITING);
    assertThat(held.timeline()).anySatisfy(e -> assertThat(e.event()).startsWith("pause refused: field 'reason'"));
    env.sleep(Duration.ofHours(5));
    assertThat(deployments.calls("deploy", "production")).as("nothing new starts while paused").isEmpty();

    release.resume(new dev.gantry.workflows.api.release.PauseSignal("alice", "incident over"));
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(deployments.calls("deploy", "production")).hasSize(4);
  }

  @Test
  void anExpiredApprovalNoLongerCounts() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, 24, null));
    release.approve(ApprovalSignal.of("alice", DIGEST, "day one"));
    awaitStatus(release, s -> s.approvals().size() == 1);
    env.sleep(Duration.ofHours(25));
    release.approve(ApprovalSignal.of("bob", DIGEST, "day two"));
    ReleaseStatus afterBob = awaitStatus(release, s -> s.approvals().size() == 2);
    assertThat(afterBob.state()).as("alice's approval expired: one valid approval is not quorum")
        .isEqualTo(ReleaseState.AWAITING_APPROVAL);
    release.approve(ApprovalSignal.of("carol", DIGEST, "day two as well"));
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
  }

  @Test
  void aGateWaitingTooLongEscalatesAndThenFails() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, 24));
    WorkflowFailedException failure = failure(release);
    assertThat(failureOfType(failure, Failures.APPROVAL_TIMED_OUT).getOriginalMessage())
        .contains("timed out after 72h with 0 of 2");
    assertThat(release.status().timeline()).anySatisfy(entry ->
        assertThat(entry.event()).contains("waited 24h for approval: escalated to engineering-managers"));
    assertThat(audit.events).extracting(AuditEvent::kind).contains("escalation");
  }

  @Test
  void anEmergencyOverrideIsRecordedAuditedAndOpensAFollowUpReview() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, null));
    release.override(new OverrideSignal("alice", "window", "the fix must ship now", "INC-4711"));
    release.override(new OverrideSignal("erin", "window", "the fix must ship now", "INC-4711"));
    ReleaseStatus status = awaitStatus(release, s -> s.overrides().size() == 2);
    assertThat(status.overrides()).extracting(o -> o.approver() + ":" + o.accepted())
        .containsExactly("alice:false", "erin:true");
    assertThat(status.overrides().get(0).reason()).contains("only members of emergency-approvers");
    awaitStatus(release, s -> s.timeline().stream().anyMatch(e -> e.event().startsWith("follow-up review")));
    assertThat(audit.reviews).singleElement().satisfies(review -> {
      assertThat(review.approver()).isEqualTo("erin");
      assertThat(review.gate()).isEqualTo("window");
      assertThat(review.incident()).isEqualTo("INC-4711");
    });
    assertThat(audit.events).filteredOn(e -> e.kind().equals("override"))
        .extracting(AuditEvent::actor, AuditEvent::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("alice", "refused"),
            org.assertj.core.groups.Tuple.tuple("erin", "accepted"));
    Histories.record(client, request().releaseId(), "release-hello-service-1.4.0-window-override-waiting");
  }

  @Test
  void theAuditTrailHasEveryApprovalAcceptedOrRefusedInOrder() {
    ReleaseWorkflow release = startAtProductionGate(policy(2, null, null));
    release.approve(ApprovalSignal.of("mallory", DIGEST, "let me"));
    release.approve(ApprovalSignal.of("alice", DIGEST, "LGTM"));
    release.approve(ApprovalSignal.of("carol", DIGEST, "ok"));
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(audit.events).filteredOn(e -> e.kind().equals("approval"))
        .extracting(AuditEvent::actor, AuditEvent::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("mallory", "refused"),
            org.assertj.core.groups.Tuple.tuple("alice", "accepted"),
            org.assertj.core.groups.Tuple.tuple("carol", "accepted"));
    assertThat(audit.events).allSatisfy(e -> assertThat(e.artifactDigest()).isEqualTo(DIGEST));
    assertThat(audit.events).extracting(AuditEvent::eventId).doesNotHaveDuplicates();
    assertThat(audit.events.get(audit.events.size() - 1).outcome()).isEqualTo("succeeded");
  }

  private static ApprovalPolicy policy(int min, Integer expiresAfterHours, Integer escalateAfterHours) {
    return new ApprovalPolicy(true, List.of(), min, 72, List.of("release-managers", "senior-engineers"),
        expiresAfterHours, escalateAfterHours, escalateAfterHours == null ? null : "engineering-managers",
        false, null);
  }

  private ReleaseRequest request;

  private ReleaseRequest request() {
    return request;
  }

  private ReleaseWorkflow startAtProductionGate(ApprovalPolicy productionPolicy) {
    return startAtProductionGate(productionPolicy, null);
  }

  private ReleaseWorkflow startAtProductionGate(ApprovalPolicy productionPolicy,
      dev.gantry.workflows.api.notify.NotifyPolicy notify) {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>(example.environments());
    EnvironmentPlan production = environments.get(2);
    environments.set(2, production.toBuilder()
        .approval(productionPolicy)
        .notifications(notify)
        .build());
    request = new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        example.requestedBy(), example.specSource(), "/etc/gantry/approvers.yaml");
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));
    return release;
  }

  private static ReleaseStatus result(ReleaseWorkflow release) {
    return io.temporal.client.WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
  }

  private static WorkflowFailedException failure(ReleaseWorkflow release) {
    try {
      ReleaseStatus unexpected = result(release);
      throw new AssertionError("the release should have failed, it ended " + unexpected.state());
    } catch (WorkflowFailedException e) {
      return e;
    }
  }
}
