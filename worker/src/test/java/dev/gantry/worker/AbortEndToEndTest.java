package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 16, part 7, on the real dev server with the Spring worker and the local target on disk:
 * {@code gantry release abort} while production's second wave is inside a health check, then while the
 * primary bakes a canary step. Each time the running work stops (the health command is killed, not waited for) and no
 * production region is left on the aborted version.
 */
@RealPeers
class AbortEndToEndTest {
  private static final List<String> PRODUCTION = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");
  @TempDir Path dir;

  @Test
  void anAbortDuringAHealthCheckOrACanaryBakeLeavesEveryRegionOnThePreviousVersion() throws Exception {
    writePolicy();
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy());
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      String first = gantry.startRelease(request("1.3.0"));
      assertThat(gantry.awaitCompletion(first, Duration.ofMinutes(3)).state()).isEqualTo(ReleaseState.SUCCEEDED);

      // 1.4.0: eu-west-1's health check hangs (it would for 10 minutes); abort while it runs
      String hanging = gantry.startRelease(request("1.4.0"));
      awaitRegion(gantry, hanging, "eu-west-1", r -> r.detail() != null && r.detail().contains("checking health"));
      awaitFile(dir.resolve("hanging-check-started"));
      abort(temporal, hanging);
      assertAborted(gantry, hanging);
      assertThat(Files.exists(dir.resolve("hanging-check-finished")))
          .as("the health command was stopped, not waited for").isFalse();

      // 1.5.0: production is a canary baking 10 minutes per step; abort while the primary bakes at 50%
      writeCanary();
      String baking = gantry.startRelease(request("1.5.0"));
      awaitRegion(gantry, baking, "us-east-1", r -> r.rollout() != null && "baking".equals(r.rollout().phase()));
      abort(temporal, baking);
      assertAborted(gantry, baking);
    }
  }

  private void abort(TemporalPeer temporal, String id) {
    CliEndToEndTest.Run aborted = CliEndToEndTest.cli("release", "abort", id, "--reason", "stop it",
        "--address", temporal.address());
    assertThat(aborted.exitCode()).as(aborted.err()).isZero();
  }

  private void assertAborted(GantryClient gantry, String id) throws IOException {
    assertThatThrownBy(() -> gantry.awaitCompletion(id, Duration.ofMinutes(2)))
        .isInstanceOf(ReleaseFailedException.class);
    for (String region : PRODUCTION) {
      assertThat(current("production", region)).as(id + ": production/" + region).isEqualTo("1.3.0");
    }
    ReleaseStatus status = gantry.status(id);
    // Temporal closes a release whose cancellation was requested as CANCELED, whatever it threw at the end
    assertThat(status.state()).isIn(ReleaseState.FAILED, ReleaseState.CANCELED);
    assertThat(status.environments().get(1).regions()).anySatisfy(r -> assertThat(r.detail()).contains("cancelled (the release was aborted)"));
  }

  private static void awaitRegion(GantryClient gantry, String id, String region, Predicate<RegionStatus> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    RegionStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        ReleaseStatus status = gantry.status(id);
        if (status.environments().size() > 1) {
          last = status.environments().get(1).regions().stream().filter(r -> r.region().equals(region))
              .findFirst().orElse(null);
          RegionStatus own = gantry.workflowClient().newWorkflowStub(
              dev.gantry.workflows.region.RegionDeploymentWorkflow.class,
              dev.gantry.workflows.api.ReleaseIds.region(id, "production", region)).status();
          if (own != null && condition.test(own)) {
            return;
          }
        }
      } catch (RuntimeException notYet) {
        // the region's workflow has not started
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + ": " + region + " never reached the condition; last " + last);
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!Files.exists(file)) {
      assertThat(System.nanoTime()).as(file + " appeared").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private String current(String env, String region) throws IOException {
    return Files.readSymbolicLink(dir.resolve("targets").resolve(env).resolve(region).resolve("current"))
        .getFileName().toString();
  }

  private Path policy() {
    return dir.resolve("policy");
  }

  private Path request(String version) throws IOException {
    Path file = dir.resolve("release-" + version + ".yaml");
    Files.writeString(file, """
        application: hello-service
        version: %s
        requestedBy: ci
        artifact: {file: artifacts/service.sh}
        promotion: [staging, production]
        """.formatted(version));
    return file;
  }

  private void writePolicy() throws IOException {
    dev.gantry.activities.signing.DemoKeys.ensure(dir);
    TestPolicy policy = TestPolicy.in(dir).application("hello-service", "staging", "production")
        .signing("{key: ../keys/release.key}");
    policy.write();
    policy.artifact("service.sh", "echo service\n");
    write("environments/staging/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets}
        healthCheck: {command: "true", attempts: 1}
        """);
    // 1.4.0's check in eu-west-1 hangs for 10 minutes (it marks when it starts, and if it ever ends)
    Files.writeString(dir.resolve("check.sh"), """
        if [ "$GANTRY_VERSION/$GANTRY_ENVIRONMENT/$GANTRY_REGION" = "1.4.0/production/eu-west-1" ]; then
          touch "%1$s/hanging-check-started"; sleep 600; touch "%1$s/hanging-check-finished"
        fi
        """.formatted(dir));
    write("environments/production/config.yaml", production(""));
  }

  private void writeCanary() throws IOException {
    write("environments/production/config.yaml",
        production("rollout: {strategy: canary, steps: [50, 100], bakeSeconds: 600}\n"));
  }

  private String production(String rollout) {
    return """
        regions:
          - {name: us-east-1, primary: true}
          - {name: us-west-2}
          - {name: eu-west-1}
          - {name: ap-southeast-1}
        waves: [[us-east-1], [us-west-2, eu-west-1, ap-southeast-1]]
        target: {type: local, root: ../targets}
        healthCheck: {command: "sh %s", attempts: 1, timeoutSeconds: 900}
        """.formatted(dir.resolve("check.sh")) + rollout;
  }

  private void write(String relative, String content) throws IOException {
    Path file = policy().resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content
        + "verification: {trustedKeys: ../keys/trusted-keys.yaml, require: [slsa-provenance]}\n");
  }
}
