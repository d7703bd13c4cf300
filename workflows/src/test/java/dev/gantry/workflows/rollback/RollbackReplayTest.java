package dev.gantry.workflows.rollback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rollbacks in flight across the change to signed rollbacks: one recorded before it (the plan from the
 * client, no {@code rollback-plan-from-policy} marker; recorded with the code of commit 0733181, whose
 * request shape today's code refuses, so it cannot be recorded again) and one signed rollback recorded
 * with today's code. Both must replay with today's workflow.
 *
 * <p>Record the signed one again (only for a deliberate, versioned change) with
 * {@code ./mvnw -pl workflows test -Dtest=RollbackReplayTest -Dgantry.recordHistories=true}.
 */
class RollbackReplayTest {
  static final String LEGACY = "histories/rollback-hello-service-1.4.0-production-legacy.json";
  static final String SIGNED = "histories/rollback-hello-service-1.4.0-production-signed.json";
  static final String LEGACY_ID = "rollback/hello-service/1.4.0/production/1";
  static final String SIGNED_ID = "rollback/hello-service/1.4.0/production/2";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  @Test
  void aRollbackRecordedBeforePolicyOwnedRollbacksReplays(TestWorkflowEnvironment env) throws Exception {
    WorkflowExecutionHistory history = load(LEGACY, LEGACY_ID);
    assertThat(history.getEvents()).noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().toString().contains(VersionMarkers.ROLLBACK_PLAN_FROM_POLICY));
    replay(env, history);
  }

  @Test
  void aSignedRollbackReplays(TestWorkflowEnvironment env) throws Exception {
    WorkflowExecutionHistory history = load(SIGNED, SIGNED_ID);
    assertThat(history.getEvents()).anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().toString().contains(VersionMarkers.ROLLBACK_PLAN_FROM_POLICY));
    replay(env, history);
  }

  @Test
  @EnabledIfSystemProperty(named = "gantry.recordHistories", matches = "true")
  void record(TestWorkflowEnvironment env) throws IOException {
    FakeDeploymentActivities deployments = new FakeDeploymentActivities();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(EnvironmentRollbackWorkflowImpl.class,
        ActorTokenSpentWorkflowImpl.class);
    worker.registerActivitiesImplementations(deployments, new FakeAudit(), new SignedRollbackWorkflowTest.Policy(),
        new SignedRollbackWorkflowTest.Directory(), SignedRollbackWorkflowTest.unreadableEnvironments());
    env.start();
    for (String region : Releases.PRODUCTION_REGIONS) {
      deployments.preinstall("production", region, "1.3.0");
      deployments.preinstall("production", region, Releases.VERSION);
    }
    String release = "release/" + Releases.APP + "/" + Releases.VERSION;
    // SignedRollbackWorkflowTest's alice: a key made for this recording, registered in its Directory
    String token = SignedRollbackWorkflowTest.ALICE.token(release, "production", Releases.DIGEST,
        ActorTokens.ROLLBACK, null, "alice", env.currentTimeMillis() / 1000, 600, "replay-1");
    WorkflowClient client = env.getWorkflowClient();
    EnvironmentRollbackWorkflow rollback = client.newWorkflowStub(EnvironmentRollbackWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(SIGNED_ID).setTaskQueue(TaskQueues.RELEASE).build());
    rollback.rollBack(EnvironmentRollbackRequest.of(release, Releases.APP, Releases.VERSION, Releases.DIGEST,
        "production", "alice", "error rate up", token));
    write(client, SIGNED, SIGNED_ID);
  }

  static void write(WorkflowClient client, String file, String id) throws IOException {
    Path dir = Path.of(System.getProperty("gantry.historiesDir", "src/test/resources/histories"));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(Path.of(file).getFileName()), client.fetchHistory(id).toJson(true) + "\n",
        StandardCharsets.UTF_8);
  }

  private WorkflowExecutionHistory load(String file, String id) throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(file)) {
      assertThat(in).as(file + " on the test classpath (record it: see the class comment)").isNotNull();
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), id);
    }
  }

  private static void replay(TestWorkflowEnvironment env, WorkflowExecutionHistory history) throws Exception {
    Worker replayer = env.newWorker("rollback-replay", io.temporal.worker.WorkerOptions.newBuilder()
        .setDefaultDeadlockDetectionTimeout(60_000).build());
    replayer.registerWorkflowImplementationTypes(EnvironmentRollbackWorkflowImpl.class);
    replayer.replayWorkflowExecution(history);
  }
}
