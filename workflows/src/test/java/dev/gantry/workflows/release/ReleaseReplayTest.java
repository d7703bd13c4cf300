package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.fixtures.ReorderedRegionDeploymentWorkflow;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import io.temporal.api.enums.v1.EventType;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replays recorded histories against today's workflow code: a change that would break releases in flight
 * (a reordered, added or removed command without {@code Workflow.getVersion}) fails here.
 *
 * <p>The histories are recorded once, from the happy path of hello-service 1.4.0, with
 * {@code ./mvnw -pl workflows test -Dtest=ReleaseReplayTest -Dgantry.recordHistories=true}, and committed.
 * Record them again only for a deliberate, versioned change, never to make this test pass.
 */
class ReleaseReplayTest {
  static final String RELEASE_HISTORY = "histories/release-hello-service-1.4.0.json";
  static final String REGION_HISTORY = "histories/region-hello-service-1.4.0-production-us-east-1.json";
  static final String REGION_ID = "release/hello-service/1.4.0/production/us-east-1";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  @Test
  void theReleaseWorkflowReplaysItsRecordedHistory() throws Exception {
    WorkflowExecutionHistory history = load(RELEASE_HISTORY, "release/hello-service/1.4.0");
    assertThat(history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes()
        .getWorkflowType().getName()).isEqualTo("Release");
    assertThat(history.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    assertThat(history.getEvents()).filteredOn(e -> e.getEventType()
        == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED).hasSize(7);

    WorkflowReplayer.replayWorkflowExecution(history, ReleaseWorkflowImpl.class);
  }

  @Test
  void theRegionWorkflowReplaysItsRecordedHistory() throws Exception {
    WorkflowExecutionHistory history = load(REGION_HISTORY, REGION_ID);
    var started = history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes();
    assertThat(started.getWorkflowType().getName()).isEqualTo("RegionDeployment");
    assertThat(started.getParentWorkflowExecution().getWorkflowId()).isEqualTo("release/hello-service/1.4.0");
    assertThat(history.getLastEvent().getEventType())
        .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);

    WorkflowReplayer.replayWorkflowExecution(history, RegionDeploymentWorkflowImpl.class);
  }

  @Test
  void aReorderedWorkflowFailsTheReplay() throws Exception {
    WorkflowExecutionHistory history = load(REGION_HISTORY, REGION_ID);

    assertThatThrownBy(() ->
        WorkflowReplayer.replayWorkflowExecution(history, ReorderedRegionDeploymentWorkflow.class))
        .hasMessageContaining("io.temporal.worker.NonDeterministicException");
  }

  /** Runs the happy path and writes both histories; off unless {@code -Dgantry.recordHistories=true}. */
  @Test
  @EnabledIfSystemProperty(named = "gantry.recordHistories", matches = "true")
  void recordHistories(TestWorkflowEnvironment env) throws IOException {
    FakeDeploymentActivities fake = new FakeDeploymentActivities();
    Releases.startWorker(env, fake);
    WorkflowClient client = env.getWorkflowClient();
    ReleaseRequest request = Releases.example();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build());
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
    write(dir.resolve(Path.of(RELEASE_HISTORY).getFileName()),
        client.fetchHistory(request.releaseId()));
    write(dir.resolve(Path.of(REGION_HISTORY).getFileName()),
        client.fetchHistory(ReleaseIds.region(request.releaseId(), "production", "us-east-1")));
  }

  private static void write(Path file, WorkflowExecutionHistory history) throws IOException {
    Files.writeString(file, history.toJson(true) + "\n", StandardCharsets.UTF_8);
  }

  /** The JSON holds the events only: the workflow id is given back to the history here. */
  private static WorkflowExecutionHistory load(String resource, String workflowId) throws IOException {
    try (InputStream in = ReleaseReplayTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource + " on the test classpath (record it: see the class comment)").isNotNull();
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          workflowId);
    }
  }
}
