package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issues 16 (part 7) and 17 (part 2), on the real dev server with the Spring worker and the local target on
 * disk: {@code gantry release abort <id> --reason ... --as erin} (a) while the primary's deploy is still
 * running, (b) while a region of the second wave runs its health check, (c) while the primary bakes a canary
 * step. Each time the running work stops (the deploy and the health command each write a tick every 100 ms:
 * the ticks stop, the deploy's thread was interrupted and the command killed, not waited for), the release
 * ends aborted by erin, and every region is as it was before the release: the previous version restored, or
 * nothing at all where there was none. The Java test server is not used: it has been seen to leave a
 * cancelled child's completion undelivered.
 */
@RealPeers
class AbortEndToEndTest {
  private static final String PRIMARY = "us-east-1";
  private static final List<String> PRODUCTION = List.of(PRIMARY, "us-west-2", "eu-west-1", "ap-southeast-1");
  /** How long a stopped piece of work is watched for one more tick: ten times its period. */
  private static final Duration QUIET = Duration.ofSeconds(1);
  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void anAbortStopsTheRunningDeployHealthCheckOrBakeAndLeavesEveryRegionAsItWas() throws Exception {
    writePolicy();
    Path deployTicks = dir.resolve("deploy-ticks");
    Path checkTicks = dir.resolve("check-ticks");
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = startWorker(temporal.address(), "1.2.0", deployTicks);
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      // (a) 1.2.0, production's first release: the primary's deploy switches to it, then waits for it to settle
      // (as the AWS targets wait for a steady service) for 10 minutes; abort while it waits
      String deploying = gantry.startRelease(request("1.2.0"));
      awaitTicks(deployTicks);
      abort(temporal, deploying);
      ReleaseStatus a = assertAborted(gantry, deploying);
      assertStopped(deployTicks, "the deploy");
      assertRegion(a, PRIMARY, RegionState.ROLLED_BACK, "cancelled (the release was aborted)");
      for (String region : PRODUCTION) {
        assertThat(current("production", region)).as("1.2.0: nothing left in production/" + region).isNull();
      }
      for (String region : PRODUCTION.subList(1, PRODUCTION.size())) {
        assertRegion(a, region, RegionState.SKIPPED, null);
        assertThat(dir.resolve("targets/production").resolve(region)).as("never started").doesNotExist();
      }
      assertThat(current("staging", PRIMARY)).as("staging passed before the abort").isEqualTo("1.2.0");

      String good = gantry.startRelease(request("1.3.0"));
      assertThat(gantry.awaitCompletion(good, Duration.ofMinutes(2)).state()).isEqualTo(ReleaseState.SUCCEEDED);

      // (b) 1.4.0: eu-west-1's health check ticks for 10 minutes; abort while it runs
      String checking = gantry.startRelease(request("1.4.0"));
      awaitTicks(checkTicks);
      for (String sibling : List.of("us-west-2", "ap-southeast-1")) { // their checks pass at once
        awaitRegion(gantry, checking, sibling, r -> r.state() == RegionState.DEPLOYED);
      }
      abort(temporal, checking);
      ReleaseStatus b = assertAborted(gantry, checking);
      assertStopped(checkTicks, "the health command");
      assertRegion(b, "eu-west-1", RegionState.ROLLED_BACK, "cancelled (the release was aborted)");
      for (String region : PRODUCTION) {
        assertRegion(b, region, RegionState.ROLLED_BACK, "1.3.0");
        assertThat(current("production", region)).as("1.4.0: production/" + region).isEqualTo("1.3.0");
      }

      // (c) 1.5.0: production is a canary baking 10 minutes per step; abort while the primary bakes at 50%
      writeCanary();
      String baking = gantry.startRelease(request("1.5.0"));
      awaitRegion(gantry, baking, PRIMARY, r -> r.rollout() != null && "baking".equals(r.rollout().phase()));
      assertThat(routing(PRIMARY)).as("the canary takes half of the traffic").contains("\"canaryWeight\" : 50");
      abort(temporal, baking);
      ReleaseStatus c = assertAborted(gantry, baking);
      assertRegion(c, PRIMARY, RegionState.ROLLED_BACK, "1.3.0");
      assertThat(routing(PRIMARY)).as("all the traffic back on 1.3.0").contains("\"canary\" : null")
          .contains("\"stable\" : \"1.3.0\"");
      for (String region : PRODUCTION) {
        assertThat(current("production", region)).as("1.5.0: production/" + region).isEqualTo("1.3.0");
      }
      for (String region : PRODUCTION.subList(1, PRODUCTION.size())) {
        assertRegion(c, region, RegionState.SKIPPED, null);
        assertThat(dir.resolve("targets/production").resolve(region).resolve("releases/1.5.0"))
            .as("never started").doesNotExist();
      }
    }
  }

  /**
   * The Spring worker whose local target's deploy of {@code slowVersion} to production waits after its switch,
   * writing a tick every 100 ms, until the activity is stopped (its thread interrupted) or 10 minutes pass.
   */
  private static ConfigurableApplicationContext startWorker(String address, Path policy, String slowVersion,
      Path ticks) {
    BeanPostProcessor settling = new BeanPostProcessor() {
      @Override
      public Object postProcessAfterInitialization(Object bean, String name) {
        return bean instanceof LocalTarget && !(bean instanceof SettlingTarget)
            ? new SettlingTarget(slowVersion, ticks) : bean;
      }
    };
    return new SpringApplicationBuilder(GantryWorkerApplication.class)
        .initializers(context -> context.getBeanFactory().addBeanPostProcessor(settling))
        .run("--spring.temporal.connection.target=" + address, "--server.port=0",
            "--gantry.policy.path=" + policy.toAbsolutePath(), "--gantry.audit.make-key=true");
  }

  private ConfigurableApplicationContext startWorker(String address, String slowVersion, Path ticks) {
    return startWorker(address, policy(), slowVersion, ticks);
  }

  /** The local target, with a deploy that takes its time to settle for one version. */
  static final class SettlingTarget extends LocalTarget {
    private final String slowVersion;
    private final Path ticks;

    SettlingTarget(String slowVersion, Path ticks) {
      super(new HealthChecker(), Clock.systemUTC());
      this.slowVersion = slowVersion;
      this.ticks = ticks;
    }

    @Override
    public DeployResult deploy(DeployRequest request) {
      DeployResult switched = super.deploy(request);
      if (slowVersion.equals(request.version()) && "production".equals(request.environment())) {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
          tick(ticks);
          try {
            Thread.sleep(100);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("stopped while " + request.version() + " settles", e);
          }
        }
      }
      return switched;
    }
  }

  private static void tick(Path file) {
    try {
      Files.writeString(file, System.nanoTime() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long abortedAt;

  private void abort(TemporalPeer temporal, String id) {
    abortedAt = System.nanoTime();
    CliEndToEndTest.Run aborted = CliEndToEndTest.cli("release", "abort", id, "--reason", "stop it", "--as", "erin",
        "--address", temporal.address());
    assertThat(aborted.exitCode()).as(aborted.err()).isZero();
  }

  private ReleaseStatus assertAborted(GantryClient gantry, String id) {
    assertThatThrownBy(() -> gantry.awaitCompletion(id, Duration.ofMinutes(1)))
        .isInstanceOf(ReleaseFailedException.class);
    System.out.printf("%s: ended %d ms after the abort%n", id, (System.nanoTime() - abortedAt) / 1_000_000);
    ReleaseStatus status = gantry.status(id);
    // Temporal closes a release whose cancellation was requested as CANCELED, whatever it threw at the end
    assertThat(status.state()).as(id).isIn(ReleaseState.FAILED, ReleaseState.CANCELED);
    assertThat(status.failureReason()).as(id).contains("aborted by erin: stop it");
    return status;
  }

  /** Production's region in the release's status: its state, and its detail containing the text given. */
  private static void assertRegion(ReleaseStatus status, String region, RegionState state, String detail) {
    EnvironmentStatus production = status.environments().stream()
        .filter(e -> e.environment().equals("production")).findFirst().orElseThrow();
    RegionStatus own = production.regions().stream().filter(r -> r.region().equals(region)).findFirst()
        .orElseThrow();
    assertThat(own.state()).as(status.version() + " " + region + ": " + own).isEqualTo(state);
    if (detail != null) {
      assertThat(own.detail()).as(status.version() + " " + region).contains(detail);
    }
  }

  /** The work wrote its ticks; it stopped: no tick during {@link #QUIET} (ten of its periods). */
  private static void assertStopped(Path ticks, String what) throws IOException, InterruptedException {
    long before = Files.size(ticks);
    Thread.sleep(QUIET.toMillis());
    assertThat(Files.size(ticks)).as(what + " stopped with the abort").isEqualTo(before);
  }

  /** The work is running: it wrote a few ticks. */
  private static void awaitTicks(Path ticks) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!Files.exists(ticks) || Files.readAllLines(ticks).size() < 3) {
      assertThat(System.nanoTime()).as(ticks + " ticking").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void awaitRegion(GantryClient gantry, String id, String region, Predicate<RegionStatus> condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    RegionStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = gantry.workflowClient().newWorkflowStub(
            dev.gantry.workflows.region.RegionDeploymentWorkflow.class,
            dev.gantry.workflows.api.release.ReleaseIds.region(id, "production", region)).status();
        if (last != null && condition.test(last)) {
          return;
        }
      } catch (RuntimeException notYet) {
        // the region's workflow has not started
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + ": " + region + " never reached the condition; last " + last);
  }

  /** The version {@code current} points at, or null when there is none. */
  private String current(String env, String region) throws IOException {
    Path link = dir.resolve("targets").resolve(env).resolve(region).resolve("current");
    return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : null;
  }

  private String routing(String region) throws IOException {
    return Files.readString(dir.resolve("targets/production").resolve(region).resolve(LocalTarget.ROUTING));
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
    // 1.4.0's check in eu-west-1 ticks every 100 ms for 10 minutes
    Files.writeString(dir.resolve("check.sh"), """
        if [ "$GANTRY_VERSION/$GANTRY_ENVIRONMENT/$GANTRY_REGION" = "1.4.0/production/eu-west-1" ]; then
          i=0; while [ $i -lt 6000 ]; do echo $i >> "%s"; sleep 0.1; i=$((i+1)); done
        fi
        """.formatted(dir.resolve("check-ticks")));
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
