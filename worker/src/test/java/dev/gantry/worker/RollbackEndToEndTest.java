package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A production region failing its real health check, through the Java client, the Spring worker and
 * the local target on disk: the regions already changed in production go back to the version they ran,
 * the earlier environment keeps the new one.
 */
class RollbackEndToEndTest {
  private static final List<String> PRODUCTION = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");
  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aFailingProductionRegionRollsBackTheRegionsAlreadyChangedAndNothingElse() throws Exception {
    writeSpecs();
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy());
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {

      String first = gantry.startRelease(dir.resolve("release-1.3.0.yaml"));
      assertThat(gantry.awaitCompletion(first, Duration.ofMinutes(2)).state()).isEqualTo(ReleaseState.SUCCEEDED);
      for (String region : PRODUCTION) {
        assertThat(current("production", region)).isEqualTo("1.3.0");
      }

      String second = gantry.startRelease(dir.resolve("release-1.4.0.yaml"));
      assertThatThrownBy(() -> gantry.awaitCompletion(second, Duration.ofMinutes(2)))
          .isInstanceOf(ReleaseFailedException.class)
          .hasMessageContaining("production: region eu-west-1 failed: health check exited 1")
          .hasMessageContaining("Rolled back");

      for (String region : PRODUCTION) {
        assertThat(current("production", region)).as(region).isEqualTo("1.3.0");
      }
      assertThat(current("staging", "us-east-1")).isEqualTo("1.4.0");
      assertThat(Files.readString(targets().resolve("production/deployed.json"))).contains("\"1.3.0\"");
      assertThat(Files.readString(targets().resolve("staging/deployed.json"))).contains("\"1.4.0\"");

      ReleaseStatus status = gantry.status(second);
      assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
      EnvironmentStatus production = status.environments().get(1);
      assertThat(production.state()).isEqualTo(EnvironmentState.ROLLED_BACK);
      assertThat(production.regions()).filteredOn(r -> !r.region().equals("eu-west-1"))
          .allSatisfy(r -> {
            assertThat(r.state()).isEqualTo(RegionState.ROLLED_BACK);
            assertThat(r.previousVersion()).isEqualTo("1.3.0");
          });
      RegionStatus failed = production.regions().stream().filter(r -> r.region().equals("eu-west-1"))
          .findFirst().orElseThrow();
      assertThat(failed.state()).isEqualTo(RegionState.FAILED);
      assertThat(failed.detail()).contains("rolled back to 1.3.0");
      assertThat(status.environments().get(0).state()).isEqualTo(EnvironmentState.DEPLOYED);
    }
  }

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void anOperatorRollsBackOneEnvironmentOfAFinishedRelease() throws Exception {
    writeSpecs();
    // this time 1.4.0 is healthy everywhere
    write("environments/production/config.yaml", """
        regions:
          - {name: us-east-1, primary: true}
          - {name: us-west-2}
        target: {type: local, root: ../targets}
        healthCheck: {command: "true", attempts: 1}
        """);
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy());
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      gantry.awaitCompletion(gantry.startRelease(dir.resolve("release-1.3.0.yaml")), Duration.ofMinutes(2));
      String second = gantry.startRelease(dir.resolve("release-1.4.0.yaml"));
      assertThat(gantry.awaitCompletion(second, Duration.ofMinutes(2)).state()).isEqualTo(ReleaseState.SUCCEEDED);
      assertThat(current("production", "us-east-1")).isEqualTo("1.4.0");

      CliEndToEndTest.Run rolled = CliEndToEndTest.cli("release", "rollback", second, "--environment",
          "production", "--reason", "error rate up", "--as", "oncall", "--address", temporal.address());
      assertThat(rolled.exitCode()).as(rolled.err()).isZero();
      assertThat(rolled.out()).contains("us-west-2        ROLLED_BACK  rolled back to 1.3.0")
          .contains("us-east-1        ROLLED_BACK  rolled back to 1.3.0");
      assertThat(rolled.out().indexOf("us-west-2")).as("the primary goes last")
          .isLessThan(rolled.out().indexOf("us-east-1"));
      assertThat(current("production", "us-east-1")).isEqualTo("1.3.0");
      assertThat(current("production", "us-west-2")).isEqualTo("1.3.0");
      assertThat(current("staging", "us-east-1")).as("only the named environment").isEqualTo("1.4.0");
      // Issue 16: the official rollback rewrites deployed.json, so drift sees no version drift in any region.
      assertThat(rolled.out()).contains("recorded 1.3.0 (sha256:").contains("as deployed in production");
      assertThat(Files.readString(targets().resolve("production/deployed.json"))).containsPattern("\"version\"\\s*:\\s*\"1.3.0\"")
          .containsPattern("\"releaseId\"\\s*:\\s*\"rollback/hello-service/1.4.0/production/\\d+\"");
      var plan = new dev.gantry.starter.spec.ReleaseSpecLoader().loadEnvironment(dir.resolve("release-1.4.0.yaml"),
          "production");
      var drift = new dev.gantry.starter.client.Environments(gantry.workflowClient()).checkDrift("hello-service",
          plan, "oncall", Duration.ofMinutes(1));
      assertThat(drift.differences()).as(String.valueOf(drift.differences()))
          .noneMatch(item -> List.of("version", "digest", "region").contains(item.kind()));

      CliEndToEndTest.Run again = CliEndToEndTest.cli("release", "rollback", second, "--environment",
          "production", "--reason", "twice", "--address", temporal.address());
      assertThat(again.out()).contains("SKIPPED").contains("left alone: 1.4.0 is not current there (runs 1.3.0)");
      CliEndToEndTest.Run wrongEnv = CliEndToEndTest.cli("release", "rollback", second, "--environment",
          "prod", "--reason", "typo", "--address", temporal.address());
      assertThat(wrongEnv.exitCode()).isEqualTo(dev.gantry.starter.cli.GantryCli.USAGE);
      assertThat(wrongEnv.err()).contains("has no environment 'prod'; it has staging, production");
    }
  }

  private String current(String env, String region) throws IOException {
    return Files.readSymbolicLink(targets().resolve(env).resolve(region).resolve("current"))
        .getFileName().toString();
  }

  private Path targets() {
    return dir.resolve("targets");
  }

  private Path policy() {
    return dir.resolve("policy");
  }

  /**
   * The platform's policy in {@code policy/}: hello-service goes through staging and production, the worker
   * signs with its key and every environment verifies; the requests {@code release-<version>.yaml} say only
   * which version of which artifact.
   */
  private void writeSpecs() throws IOException {
    dev.gantry.activities.signing.DemoKeys.ensure(dir);
    TestPolicy policy = TestPolicy.in(dir).application("hello-service", "staging", "production")
        .signing("{key: ../keys/release.key}");
    policy.write();
    policy.artifact("service.sh", "echo service\n");
    for (String version : List.of("1.3.0", "1.4.0")) {
      Files.writeString(dir.resolve("release-" + version + ".yaml"), """
          application: hello-service
          version: %s
          requestedBy: ci
          artifact: {file: artifacts/service.sh}
          promotion: [staging, production]
          policy: policy
          """.formatted(version));
    }
    write("environments/staging/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets}
        healthCheck: {command: "test -f \\"$GANTRY_CURRENT_DIR/service.sh\\"", attempts: 1}
        """);
    // eu-west-1 cannot run 1.4.0: its real health check fails there, and only there.
    write("environments/production/config.yaml", """
        regions:
          - {name: us-east-1, primary: true}
          - {name: us-west-2}
          - {name: eu-west-1}
          - {name: ap-southeast-1}
        waves: [[us-east-1], [us-west-2, eu-west-1, ap-southeast-1]]
        target: {type: local, root: ../targets}
        healthCheck:
          command: test "$GANTRY_VERSION/$GANTRY_REGION" != "1.4.0/eu-west-1"
          attempts: 2
          intervalSeconds: 1
        """);
  }

  /** An environment config of the policy; every environment verifies the release's signature and provenance. */
  private void write(String relative, String content) throws IOException {
    Path file = policy().resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content
        + "verification: {trustedKeys: ../keys/trusted-keys.yaml, require: [slsa-provenance]}\n");
  }
}
