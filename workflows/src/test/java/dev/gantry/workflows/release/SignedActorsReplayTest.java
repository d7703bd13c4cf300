package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.VersionMarkers;
import dev.gantry.workflows.support.Watch;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A signed release recorded with today's code (the {@code signed-actors} marker, a signed request, a
 * refused plain approval, a replayed token, signed approvals, a signed pause and resume): the next change
 * to the release workflow is checked against a release that was in flight with signed actors. Replaying
 * re-verifies every token with the recorded workflow time and the recorded directory: the decisions must
 * come out the same.
 *
 * <p>Record again (only for a deliberate, versioned change) with
 * {@code ./mvnw -pl workflows test -Dtest=SignedActorsReplayTest -Dgantry.recordHistories=true}.
 */
class SignedActorsReplayTest {
  static final String HISTORY = "histories/release-hello-service-1.6.0-signed-actors.json";
  static final String RELEASE_ID = "release/hello-service/1.6.0";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  @Test
  void aSignedReleaseReplays(TestWorkflowEnvironment env) throws Exception {
    WorkflowExecutionHistory history;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(HISTORY)) {
      assertThat(in).as(HISTORY + " on the test classpath (record it: see the class comment)").isNotNull();
      history = WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), RELEASE_ID);
    }
    assertThat(history.getEvents()).filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .anySatisfy(m -> assertThat(m.getMarkerRecordedEventAttributes().toString())
            .contains(VersionMarkers.SIGNED_ACTORS));
    assertThat(history.getLastEvent().getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    // a replay worker that tolerates a slow machine: the first token check loads the JOSE and EC classes
    io.temporal.worker.Worker replayer = env.newWorker("signed-actors-replay",
        io.temporal.worker.WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
    replayer.registerWorkflowImplementationTypes(ReleaseWorkflowImpl.class);
    replayer.replayWorkflowExecution(history);
  }

  @Test
  @EnabledIfSystemProperty(named = "gantry.recordHistories", matches = "true")
  void record(TestWorkflowEnvironment env) throws IOException {
    ActorKeys ci = ActorKeys.generate();
    ActorKeys alice = ActorKeys.generate();
    ActorKeys bob = ActorKeys.generate();
    ActorKeys erin = ActorKeys.generate();
    ApproverDirectoryActivities directory = request -> new ApproverDirectory(request.source(), Map.of(
        "ci-bot", new Approver("ci-bot", List.of(), ci.publicKeyPem()),
        "alice", new Approver("alice", List.of("release-managers"), alice.publicKeyPem()),
        "bob", new Approver("bob", List.of("release-managers"), bob.publicKeyPem()),
        "erin", new Approver("erin", List.of("emergency-approvers"), erin.publicKeyPem())));
    Releases.startWorker(env, new FakeDeploymentActivities(), new FakeAudit(), directory);
    ReleaseRequest example = Releases.example("hello-service", "1.6.0");
    List<EnvironmentPlan> environments = new ArrayList<>(example.environments());
    EnvironmentPlan prod = environments.get(2);
    environments.set(2, prod.toBuilder()
        .approval(new ApprovalPolicy(true, List.of(), 2, 72, List.of("release-managers"), null, null, null, true, null))
        .build());
    long now = env.currentTimeMillis() / 1000;
    String digest = Releases.DIGEST;
    ReleaseRequest request = new ReleaseRequest(example.application(), example.version(), example.artifact(),
        environments, "ci-bot", "record", "/etc/gantry/approvers.yaml")
        .withRequestToken(ci.token(RELEASE_ID, null, digest, ActorTokens.REQUEST, null, "ci-bot", now, 600, "r1"));
    WorkflowClient client = env.getWorkflowClient();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    Watch.awaitStatus(release, s -> "approval:production".equals(s.stage()));
    now = env.currentTimeMillis() / 1000;
    release.approve(ApprovalSignal.of("alice", digest, "unsigned"));
    release.override(new OverrideSignal("erin", "window", "the fix must ship now", "INC-1", "production", null)
        .withToken(erin.token(RELEASE_ID, "production", digest, ActorTokens.OVERRIDE, "window", "erin", now, 600, "o1")));
    release.pause(new PauseSignal("bob", "dashboards").withToken(
        bob.token(RELEASE_ID, null, digest, ActorTokens.PAUSE, null, "bob", now, 600, "p1")));
    release.resume(new PauseSignal("bob", "clear").withToken(
        bob.token(RELEASE_ID, null, digest, ActorTokens.RESUME, null, "bob", now, 600, "p2")));
    String aliceToken = alice.token(RELEASE_ID, "production", digest, ActorTokens.APPROVE, null, "alice", now, 600, "a1");
    release.approve(ApprovalSignal.of("alice", digest, "LGTM").withToken(aliceToken));
    release.approve(ApprovalSignal.of("alice", digest, "again").withToken(aliceToken));
    release.approve(ApprovalSignal.of("bob", digest, "ship it").withToken(
        bob.token(RELEASE_ID, "production", digest, ActorTokens.APPROVE, null, "bob", now, 600, "a2")));
    ReleaseStatus report = WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    Path dir = Path.of(System.getProperty("gantry.historiesDir", "src/test/resources/histories"));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(Path.of(HISTORY).getFileName()),
        client.fetchHistory(RELEASE_ID).toJson(true) + "\n", StandardCharsets.UTF_8);
  }
}
