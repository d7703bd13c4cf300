package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.signing.SigningPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.FakeSigning;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Worker versioning, both ways round. The histories of {@link ReleaseReplayTest} were recorded before the
 * signature gates existed and still replay with today's code because the gates sit behind
 * {@code Workflow.getVersion("artifact-signature-gates", DEFAULT_VERSION, 1)}: the old history has no
 * marker, so the replay takes the DEFAULT_VERSION branch. The history here was recorded WITH the gates
 * (marker version 1, a sign activity, verify activities in the release and in every region), so the next
 * change to these workflows is checked against a release that was in flight with today's code.
 *
 * <p>Record again (only for a deliberate, versioned change) with
 * {@code ./mvnw -pl workflows test -Dtest=SignedReleaseReplayTest -Dgantry.recordHistories=true}.
 */
class SignedReleaseReplayTest {
  static final String RELEASE_HISTORY = "histories/release-hello-service-1.5.0-signed.json";
  static final String REGION_HISTORY = "histories/region-hello-service-1.5.0-signed-production-eu-west-1.json";
  static final String RELEASE_ID = "release/hello-service/1.5.0";
  static final String REGION_ID = RELEASE_ID + "/production/eu-west-1";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  @Test
  void aReleaseRecordedWithSignatureGatesReplays() throws Exception {
    WorkflowExecutionHistory history = load(RELEASE_HISTORY, RELEASE_ID);
    assertThat(markers(history)).as("the getVersion marker of the signature gates")
        .anySatisfy(m -> assertThat(m.getMarkerRecordedEventAttributes().toString())
            .contains(VersionMarkers.SIGNATURE_GATES));
    assertThat(activityTypes(history)).contains("Signing.sign", "Signing.verify", "Audit.append");
    assertThat(history.getEvents()).filteredOn(e -> e.getEventType()
        == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED).hasSize(2);
    assertThat(history.getLastEvent().getEventType()).isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    WorkflowReplayer.replayWorkflowExecution(history, ReleaseWorkflowImpl.class);
  }

  @Test
  void aRegionRecordedWithSignatureGatesReplays() throws Exception {
    WorkflowExecutionHistory history = load(REGION_HISTORY, REGION_ID);
    assertThat(activityTypes(history)).containsExactly("Signing.verify", "Deployment.deploy",
        "Deployment.checkHealth");

    WorkflowReplayer.replayWorkflowExecution(history, RegionDeploymentWorkflowImpl.class);
  }

  @Test
  void theHistoryRecordedBeforeTheGatesHasNoMarkerAndStillReplays() throws Exception {
    WorkflowExecutionHistory old = load(ReleaseReplayTest.RELEASE_HISTORY, "release/hello-service/1.4.0");
    assertThat(markers(old)).as("recorded before getVersion existed in this workflow").isEmpty();
    assertThat(activityTypes(old)).doesNotContain("Signing.sign", "Signing.verify");

    WorkflowReplayer.replayWorkflowExecution(old, ReleaseWorkflowImpl.class);
  }

  /** Runs a signed release with a production approval and writes both histories. */
  @Test
  @EnabledIfSystemProperty(named = "gantry.recordHistories", matches = "true")
  void recordHistories(TestWorkflowEnvironment env) throws IOException {
    ReleaseRequest example = Releases.example("hello-service", "1.5.0");
    VerificationPolicy strict = new VerificationPolicy(true, "/etc/gantry/trusted-keys.yaml",
        List.of(VerificationPolicy.SLSA_PROVENANCE), 24 * 30);
    List<EnvironmentPlan> environments = example.environments().stream()
        .map(plan -> plan.toBuilder()
            .approval(plan.name().equals("production") ? plan.approval() : ApprovalPolicy.none())
            .verification(strict)
            .build())
        .toList();
    ReleaseRequest request = new ReleaseRequest(example.application(), example.version(), example.artifact(),
        environments, example.requestedBy(), example.specSource(), null,
        new SigningPolicy("/etc/gantry/release.key", "GANTRY_SIGNING_PASSWORD", null, null, null));
    Releases.startWorker(env, new FakeDeploymentActivities(), new FakeSigning());
    WorkflowClient client = env.getWorkflowClient();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!"approval:production".equals(release.status().stage())) {
      assertThat(System.nanoTime()).as("reached the production gate in time").isLessThan(deadline);
      env.sleep(Duration.ofMillis(20));
    }
    release.approve(ApprovalSignal.of("alice", Releases.DIGEST, "LGTM"));
    release.approve(ApprovalSignal.of("bob", Releases.DIGEST, "ship it"));
    ReleaseStatus report = WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);

    Path dir = Path.of(System.getProperty("gantry.historiesDir", "src/test/resources/histories"));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(Path.of(RELEASE_HISTORY).getFileName()),
        client.fetchHistory(RELEASE_ID).toJson(true) + "\n", StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(Path.of(REGION_HISTORY).getFileName()),
        client.fetchHistory(ReleaseIds.region(RELEASE_ID, "production", "eu-west-1")).toJson(true) + "\n",
        StandardCharsets.UTF_8);
  }

  private static List<HistoryEvent> markers(WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED).toList();
  }

  private static List<String> activityTypes(WorkflowExecutionHistory history) {
    return history.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
        .distinct().toList();
  }

  private static WorkflowExecutionHistory load(String resource, String workflowId) throws IOException {
    try (InputStream in = SignedReleaseReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource + " on the test classpath (record it: see the class comment)").isNotNull();
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), workflowId);
    }
  }
}
