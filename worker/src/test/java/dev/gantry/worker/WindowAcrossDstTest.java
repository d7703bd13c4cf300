package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.deploy.DeploymentActivitiesImpl;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.activities.window.DeploymentWindowActivitiesImpl;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.release.TimelineEntry;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.WeeklyWindow;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release outside its window waits across the spring-forward weekend and deploys at 09:00 Berlin
 * time on Monday, which is 07:00Z after the change (08:00Z before it): the real window activity, the
 * real local target, workflow time skipped by the test server.
 */
class WindowAcrossDstTest {
  @TempDir Path dir;

  @Test
  void aReleaseHeldOverTheDstWeekendDeploysAtNineLocalOnMonday() throws Exception {
    Instant saturdayNoon = Instant.parse("2026-03-28T12:00:00Z");
    TestEnvironmentOptions.Builder options = TestEnvironmentOptions.newBuilder()
        .setInitialTime(saturdayNoon)
        .setUseTimeskipping(true);
    for (var key : SearchAttributes.ALL) {
      options.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance(options.build());
    try {
      Worker worker = env.newWorker(TaskQueues.RELEASE);
      // every workflow a production worker hosts (the activities below are this test's own)
      worker.registerWorkflowImplementationTypes(
          dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.toArray(new Class<?>[0]));
      worker.registerActivitiesImplementations(new dev.gantry.workflows.lock.LockHolderLookup(env.getWorkflowClient()),
          new dev.gantry.workflows.support.PlanAsGiven(),
          new DeploymentActivitiesImpl(List.of(new LocalTarget(new HealthChecker(), Clock.systemUTC()))),
          new DeploymentWindowActivitiesImpl(),
          new JsonlAuditLog(dir.resolve("audit.jsonl"), dir.resolve("reviews")));
      env.start();

      Path artifact = Files.writeString(dir.resolve("app.sh"), "echo hi\n");
      String digest = "sha256:" + java.util.HexFormat.of().formatHex(
          java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(artifact)));
      DeploymentWindowPolicy officeHours = new DeploymentWindowPolicy("Europe/Berlin",
          List.of(new WeeklyWindow(List.of("MON-FRI"), "09:00", "17:00")), List.of(), List.of(), List.of());
      EnvironmentPlan production = EnvironmentPlan.builder()
          .name("production")
          .primaryRegion("eu-central-1")
          .waves(List.of(List.of("eu-central-1")))
          .target(new DeployTarget(DeployTarget.LOCAL, dir.resolve("targets").toString()))
          .healthCheck(new HealthCheck("true", null, 10, 1, 1))
          .approval(ApprovalPolicy.none())
          .variables(Map.of())
          .window(officeHours)
          .verification(VerificationPolicy.notRequired())
          .build();
      ReleaseRequest request = new ReleaseRequest("dst-app", "2.0.0", ArtifactRef.file(artifact.toString(), digest),
          List.of(production), "dana", "test");
      ReleaseWorkflow release = env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(request.releaseId()).setTaskQueue(TaskQueues.RELEASE).build());
      WorkflowClient.start(release::run, request);

      ReleaseStatus report = WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);

      assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
      TimelineEntry deploying = report.timeline().stream()
          .filter(e -> "eu-central-1".equals(e.region()) && e.event().startsWith("deploying")).findFirst()
          .orElseThrow();
      Instant deployedAt = Instant.parse(deploying.at());
      assertThat(deployedAt).isBetween(Instant.parse("2026-03-30T07:00:00Z"), Instant.parse("2026-03-30T07:01:00Z"));
      assertThat(report.timeline()).anySatisfy(e -> assertThat(e.event())
          .contains("waiting for the deployment window").contains("Mon 2026-03-30 09:00"));
      assertThat(Files.readSymbolicLink(dir.resolve("targets/production/eu-central-1/current")))
          .isEqualTo(Path.of("releases", "2.0.0"));
    } finally {
      env.close();
    }
  }
}
