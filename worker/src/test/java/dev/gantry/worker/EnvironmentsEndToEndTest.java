package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.Environments;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.environment.DriftReport;
import io.temporal.client.WorkflowExecutionMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Environments through the CLI, the Spring worker and a real Temporal service: a promotion, drift checks
 * on demand and on a Schedule (dev server: the Java test server has no schedules), and a destroy refused
 * while a release runs there (dev server visibility) or when the server cannot list workflows.
 */
class EnvironmentsEndToEndTest {
  @TempDir Path dir;

  @Test
  void aScheduleStartsTheDriftCheckAndTheCliReportsDriftWithExitCode1() throws Exception {
    TestPolicy policy = writeSpecs();
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir());
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      String id = gantry.startRelease(dir.resolve("release.yaml"));
      assertThat(gantry.awaitCompletion(id, Duration.ofMinutes(2)).state()).isEqualTo(ReleaseState.SUCCEEDED);
      var plan = new ReleaseSpecLoader().loadEnvironment(dir.resolve("release.yaml"), "staging");

      Environments environments = new Environments(gantry.workflowClient());
      String schedule = environments.scheduleDrift("hello-service", plan, Duration.ofSeconds(2));
      WorkflowExecutionMetadata run = awaitCompleted(gantry, "WorkflowType = 'DriftDetection'");
      environments.deleteSchedule(schedule);
      assertThat(run.getExecution().getWorkflowId()).startsWith("drift/hello-service/staging");
      DriftReport scheduled = gantry.workflowClient().newUntypedWorkflowStub(run.getExecution().getWorkflowId(),
          java.util.Optional.of(run.getExecution().getRunId()), java.util.Optional.empty()).getResult(DriftReport.class);
      assertThat(scheduled.differences()).isEmpty();

      var clean = CliEndToEndTest.cli("env", "drift", "staging", "--spec", dir.resolve("release.yaml").toString(),
          "--address", temporal.address());
      assertThat(clean.exitCode()).as(clean.err()).isZero();
      assertThat(clean.out()).contains("staging: no drift (declared version 1.4.0");

      Path config = dir.resolve("targets/staging/config.json");
      Files.writeString(config, Files.readString(config).replace("info", "debug"));
      var drifted = CliEndToEndTest.cli("env", "drift", "staging", "--spec", dir.resolve("release.yaml").toString(),
          "--address", temporal.address());
      assertThat(drifted.exitCode()).isEqualTo(1);
      assertThat(drifted.out()).contains("staging: DRIFT, 1 difference(s)").contains("LOG_LEVEL")
          .contains("info").contains("debug");

      var promoted = CliEndToEndTest.cli("release", "promote", "hello-service", "1.4.0", "--from", "staging",
          "--to", "production", "--spec", dir.resolve("release.yaml").toString(), "--wait", "--address", temporal.address());
      assertThat(promoted.exitCode()).as(promoted.err()).isZero();
      assertThat(promoted.out()).contains("promotion/hello-service/1.4.0/production");
    }
  }

  @Test
  void destroyIsRefusedWhileAReleaseRunsInTheEnvironment() throws Exception {
    TestPolicy policy = writeGatedProductionSpecs();
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir());
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      // production needs an approval nobody gives: the release waits there, running.
      String id = gantry.startRelease(dir.resolve("release-production.yaml"));
      awaitListed(gantry, "WorkflowType = 'Release' AND ExecutionStatus = 'Running' AND GantryEnvironment = 'production'");

      var refused = CliEndToEndTest.cli("env", "destroy", "production", "--spec",
          dir.resolve("release-production.yaml").toString(), "--reason", "cleanup", "--wait", "--as", "dana",
          "--address", temporal.address());

      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.out()).contains("production: REFUSED: a release is running in production: " + id);
      assertThat(dir.resolve("targets/production/us-east-1/current")).doesNotExist();
    }
  }

  @Test
  void withAServerThatCannotListWorkflowsDestroyIsRefusedAsCannotCheck() throws Exception {
    TestPolicy policy = writeSpecs();
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir())) {
      var refused = CliEndToEndTest.cli("env", "destroy", "staging", "--spec", dir.resolve("release.yaml").toString(),
          "--reason", "cleanup", "--wait", "--address", temporal.address());

      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.out()).contains("REFUSED: cannot check whether a release is running in staging");
    }
  }

  private static WorkflowExecutionMetadata awaitCompleted(GantryClient gantry, String query) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      List<WorkflowExecutionMetadata> done = gantry.workflowClient()
          .listExecutions(query + " AND ExecutionStatus = 'Completed'").toList();
      if (!done.isEmpty()) {
        return done.get(0);
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no completed workflow for " + query);
  }

  private static void awaitListed(GantryClient gantry, String query) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (gantry.workflowClient().listExecutions(query).findAny().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("nothing listed for " + query);
      }
      Thread.sleep(300);
    }
  }

  /**
   * The platform's policy (hello-service: staging, then production, neither gated) in {@code policy/}, and the
   * request {@code release.yaml}, which names the policy's checkout for the environment commands.
   */
  private TestPolicy writeSpecs() throws IOException {
    TestPolicy policy = TestPolicy.in(dir).application("hello-service", "staging", "production")
        .environment("staging", """
            regions: [{name: us-east-1, primary: true}, {name: eu-west-1}]
            target: {type: local, root: ../targets}
            healthCheck: {command: "test -f \\"$GANTRY_CURRENT_DIR/service.sh\\"", attempts: 1}
            verification: {required: false}
            variables: {LOG_LEVEL: info}
            applyConfig: true
            lifecycle:
              destroy: {approvers: [olivia]}
            """)
        .environment("production", """
            regions: [{name: us-east-1}]
            target: {type: local, root: ../targets}
            healthCheck: {command: "true", attempts: 1}
            verification: {required: false}
            """);
    policy.write();
    policy.artifact("service.sh", "echo service\n");
    Files.writeString(dir.resolve("release.yaml"), """
        application: hello-service
        version: 1.4.0
        requestedBy: ci
        artifact: {file: artifacts/service.sh}
        promotion: [staging, production]
        policy: policy
        """);
    return policy;
  }

  /** A policy in which hello-service goes to production only, behind an approval nobody gives here. */
  private TestPolicy writeGatedProductionSpecs() throws IOException {
    TestPolicy policy = TestPolicy.in(dir).application("hello-service", "production")
        .environment("production", """
            regions: [{name: us-east-1}]
            target: {type: local, root: ../targets}
            healthCheck: {command: "true", attempts: 1}
            verification: {required: false}
            approval: {required: true, approvers: [alice], signedApprovals: false}
            lifecycle:
              destroy: {approvers: [olivia]}
            """);
    policy.write();
    policy.artifact("service.sh", "echo service\n");
    Files.writeString(dir.resolve("release-production.yaml"), """
        application: hello-service
        version: 1.5.0
        requestedBy: ci
        artifact: {file: artifacts/service.sh}
        promotion: [production]
        policy: policy
        """);
    return policy;
  }
}
