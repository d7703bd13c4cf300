package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.Environments;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.EnvironmentSchedules;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowTargetOptions;
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
@RealPeers
class EnvironmentsEndToEndTest {
  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
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
      DriftReport scheduled = gantry.workflowClient().newUntypedWorkflowStub(
          WorkflowTargetOptions.newBuilder().setWorkflowExecution(run.getExecution()).build())
          .getResult(DriftReport.class);
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
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
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
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
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

  /**
   * Issue 16: a refused promotion could never be attempted again (`already exists`). Now it can, as a new run of
   * the same id; every attempt is listed; a succeeded promotion is still not repeated.
   */
  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aRefusedPromotionCanBeAttemptedAgainAndASucceededOneIsNotRepeated() throws Exception {
    TestPolicy policy = writeSpecs();
    Files.writeString(dir.resolve("release-staging.yaml"), """
        application: hello-service
        version: 1.4.0
        requestedBy: ci
        artifact: {file: artifacts/service.sh}
        promotion: [staging]
        policy: policy
        """);
    String spec = dir.resolve("release.yaml").toString();
    String promotion = "promotion/hello-service/1.4.0/production";
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir());
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      // staging does not run 1.4.0 yet: the promotion is refused.
      var refused = CliEndToEndTest.cli("release", "promote", "hello-service", "1.4.0", "--from", "staging",
          "--to", "production", "--spec", spec, "--wait", "--address", temporal.address());
      assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(1);
      assertThat(refused.out() + refused.err()).contains("runs nothing");

      // Fix the source, as the guide says, and promote again: a new attempt of the same id.
      String staged = gantry.startRelease(dir.resolve("release-staging.yaml"));
      assertThat(gantry.awaitCompletion(staged, Duration.ofMinutes(2)).state()).isEqualTo(ReleaseState.SUCCEEDED);
      var again = CliEndToEndTest.cli("release", "promote", "hello-service", "1.4.0", "--from", "staging",
          "--to", "production", "--spec", spec, "--wait", "--address", temporal.address());
      assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
      assertThat(again.out()).contains("started " + promotion).contains("(attempt 2)")
          .contains("attempt 1: FAILED").contains("runs nothing");
      assertThat(dir.resolve("targets/production/us-east-1/current")).exists();

      awaitListed(gantry, "WorkflowId = '" + promotion + "' AND ExecutionStatus = 'Completed'");
      assertThat(gantry.attempts(promotion)).extracting(GantryClient.Attempt::state)
          .containsExactly("FAILED", "COMPLETED");
      var status = CliEndToEndTest.cli("release", "status", promotion, "--address", temporal.address());
      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.out()).contains("attempts").contains("attempt 1: FAILED").contains("attempt 2: COMPLETED");

      // A succeeded promotion is not repeated.
      var third = CliEndToEndTest.cli("release", "promote", "hello-service", "1.4.0", "--from", "staging",
          "--to", "production", "--spec", spec, "--address", temporal.address());
      assertThat(third.exitCode()).isNotZero();
      assertThat(third.err()).contains("promotion " + promotion + " already succeeded")
          .contains("a succeeded promotion is not repeated");
      assertThat(gantry.attempts(promotion)).hasSize(2);
    }
  }

  /**
   * Issue 16: after `env destroy` without --wait, or a TTL expiry, the expiry and drift schedules kept running
   * (and drift reported false drift against the destroyed environment). The destroy workflow now deletes them.
   */
  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void whateverDestroysAnEnvironmentLeavesNoScheduleOfIt() throws Exception {
    TestPolicy policy = TestPolicy.in(dir).application("hello-service", "staging", "preview")
        .environment("staging", """
            regions: [{name: us-east-1}]
            target: {type: local, root: ../targets}
            healthCheck: {command: "true", attempts: 1}
            verification: {required: false}
            lifecycle:
              destroy: {approvers: [olivia]}
            """)
        .environment("preview", """
            regions: [{name: us-east-1}]
            target: {type: local, root: ../targets}
            healthCheck: {command: "true", attempts: 1}
            verification: {required: false}
            lifecycle:
              ttlHours: 1
            """);
    policy.write();
    policy.artifact("service.sh", "echo service\n");
    Files.writeString(dir.resolve("release.yaml"), """
        application: hello-service
        version: 1.4.0
        requestedBy: ci
        artifact: {file: artifacts/service.sh}
        promotion: [staging]
        policy: policy
        """);
    String spec = dir.resolve("release.yaml").toString();
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir());
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      Environments environments = new Environments(gantry.workflowClient());
      ScheduleClient schedules = ScheduleClient.newInstance(gantry.workflowClient().getWorkflowServiceStubs(),
          ScheduleClientOptions.newBuilder().setNamespace("default").build());
      var loader = new ReleaseSpecLoader();

      // 1. The CLI without --wait: nobody waits for the end, the workflow deletes the schedules itself.
      var staging = loader.loadEnvironment(dir.resolve("release.yaml"), "staging");
      environments.create("hello-service", staging, "ci", Duration.ofMinutes(1));
      String drift = environments.scheduleDrift("hello-service", staging, Duration.ofHours(1));
      assertThat(exists(schedules, drift)).isTrue();
      var started = CliEndToEndTest.cli("env", "destroy", "staging", "--spec", spec, "--reason", "done",
          "--as", "dana", "--address", temporal.address());
      assertThat(started.exitCode()).as(started.err()).isZero();
      awaitStage(environments, "staging", "waiting for approval");
      var twice = CliEndToEndTest.cli("env", "destroy", "staging", "--spec", spec, "--reason", "again",
          "--as", "dana", "--address", temporal.address());
      assertThat(twice.exitCode()).isNotZero();
      assertThat(twice.err()).contains("env-destroy/hello-service/staging is already running (waiting for approval")
          .contains("gantry env approve staging").doesNotContain("gantry env status");
      var approved = CliEndToEndTest.cli("env", "approve", "staging", "--spec", spec, "--as", "olivia",
          "--address", temporal.address());
      assertThat(approved.exitCode()).as(approved.err()).isZero();
      DecommissionResult destroyed = gantry.workflowClient().newUntypedWorkflowStub("env-destroy/hello-service/staging")
          .getResult(60, java.util.concurrent.TimeUnit.SECONDS, DecommissionResult.class);
      assertThat(destroyed.state()).isEqualTo("DESTROYED");
      assertThat(destroyed.detail()).contains("deleted schedule(s) drift/hello-service/staging");
      assertThat(exists(schedules, drift)).as("drift schedule after a destroy without --wait").isFalse();

      // 2. TTL expiry: the expiry schedule starts the destroy, which deletes the expiry and drift schedules.
      var preview = loader.loadEnvironment(dir.resolve("release.yaml"), "preview");
      assertThat(environments.create("hello-service", preview, "ci", Duration.ofMinutes(1)).expiresAt()).isNotNull();
      String previewDrift = environments.scheduleDrift("hello-service", preview, Duration.ofHours(1));
      String expiry = EnvironmentSchedules.expiryId("hello-service", "preview");
      assertThat(exists(schedules, expiry)).isTrue();
      // an hour passes: the registration the worker wrote at create says the environment has expired (a destroy
      // "by expiry" before that is refused, see EnvironmentWorkflowsTest)
      Path registration = policy.targets().resolve("preview").resolve("environment.json");
      Files.writeString(registration, Files.readString(registration)
          .replaceAll("\"expiresAt\"\\s*:\\s*\"[^\"]+\"", "\"expiresAt\" : \"2020-01-01T00:00:00Z\""));
      assertThat(Files.readString(registration)).contains("2020-01-01T00:00:00Z");
      schedules.getHandle(expiry).trigger();
      // A schedule starts its workflow under the action's id plus the time: find it by the schedule's id.
      WorkflowExecutionMetadata expiryRun = awaitCompleted(gantry, "TemporalScheduledById = '" + expiry + "'");
      DecommissionResult expired = gantry.workflowClient().newUntypedWorkflowStub(
          WorkflowTargetOptions.newBuilder().setWorkflowExecution(expiryRun.getExecution()).build())
          .getResult(DecommissionResult.class);
      assertThat(expired.state()).as(expired.detail()).isEqualTo("DESTROYED");
      assertThat(exists(schedules, expiry)).as("expiry schedule after the TTL").isFalse();
      assertThat(exists(schedules, previewDrift)).as("drift schedule after the TTL").isFalse();

      // 3. Deleting is idempotent: a schedule that is not there is success.
      var again = new dev.gantry.activities.environment.EnvironmentScheduleCleaner(gantry.workflowClient())
          .deleteEnvironmentSchedules(new EnvironmentSchedules("hello-service", "preview"));
      assertThat(again.deleted()).isEmpty();
      assertThat(again.absent()).containsExactly(expiry, previewDrift);
    }
  }

  private static boolean exists(ScheduleClient schedules, String id) {
    try {
      schedules.getHandle(id).describe();
      return true;
    } catch (RuntimeException notFound) {
      return false;
    }
  }

  private static void awaitStage(Environments environments, String environment, String prefix) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        if (environments.destroyStage("hello-service", environment).startsWith(prefix)) {
          return;
        }
      } catch (RuntimeException notYet) {
        // not started or not answering yet
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("env-destroy of " + environment + " never reached '" + prefix + "'");
      }
      Thread.sleep(300);
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
