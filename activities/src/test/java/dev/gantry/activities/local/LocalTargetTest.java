package dev.gantry.activities.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RecordDeploymentResult;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTargetTest {
  private static final String APP = "hello-service";
  private static final String ENV = "staging";
  private static final String REGION = "eu-west-1";
  private static final Instant NOW = Instant.parse("2025-03-04T05:06:07Z");

  @TempDir
  Path tmp;

  private Path root;
  private DeployTarget target;
  private Path regionDir;
  private final LocalTarget local = new LocalTarget(new HealthChecker(), Clock.fixed(NOW, ZoneOffset.UTC));

  @BeforeEach
  void setUp() {
    root = tmp.resolve("targets");
    target = new DeployTarget(DeployTarget.LOCAL, root.toString());
    regionDir = root.resolve(ENV).resolve(REGION);
  }

  // ----- deploy -----------------------------------------------------------------------------------

  @Test
  void aDarkLaunchInstallsBesideTheLiveVersionAndTheRoutingFileFollowsTheStepsToTheFlip() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    ArtifactRef v11 = artifact("1.1", "hello 1.1");

    DeployResult dark = local.deployDark(deploy("1.1", v11));
    assertThat(dark.previousVersion()).isEqualTo("1.0");
    assertThat(local.currentVersion(regionDir)).as("no user traffic yet").isEqualTo("1.0");
    assertThat(local.routing(regionDir)).isEqualTo(new LocalTarget.Routing("1.0", "1.1", 0));
    HealthCheckResult smoke = local.smokeCheck(new HealthCheckRequest(APP, "1.1", ENV, REGION, target,
        new HealthCheck("test \"$GANTRY_VERSION\" = 1.1 && cat \"$GANTRY_CURRENT_DIR/hello-1.1.txt\"", null, 5, 1,
            1)));
    assertThat(smoke.detail()).as("the smoke check ran against the dark version").isEqualTo("hello 1.1");

    for (int weight : new int[] {10, 50}) {
      assertThat(local.setWeight(weight("1.1", weight)).weight()).isEqualTo(weight);
      assertThat(local.routing(regionDir)).isEqualTo(new LocalTarget.Routing("1.0", "1.1", weight));
      assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
    }
    local.setWeight(weight("1.1", 100));
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.1");
    assertThat(local.routing(regionDir)).isEqualTo(new LocalTarget.Routing("1.1", null, 0));
    assertThat(new ObjectMapper().readTree(regionDir.resolve("routing.json").toFile()).get("stable").asText())
        .isEqualTo("1.1");

    RollbackResult undone = local.rollback(new RollbackRequest("release/" + APP + "/1.1", APP, "1.1", ENV, REGION,
        target, "test"));
    assertThat(undone).isEqualTo(new RollbackResult(true, "1.0"));
    assertThat(local.routing(regionDir)).isEqualTo(new LocalTarget.Routing("1.0", null, 0));
    assertNoLeftovers();
  }

  @Test
  void rollingBackACanaryPutsAllTrafficBackOnTheStableVersion() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    local.deployDark(deploy("1.1", artifact("1.1", "hello 1.1")));
    local.setWeight(weight("1.1", 25));

    RollbackResult undone = local.rollback(new RollbackRequest("release/" + APP + "/1.1", APP, "1.1", ENV, REGION,
        target, "analysis failed"));

    assertThat(undone).isEqualTo(new RollbackResult(true, "1.0"));
    assertThat(local.routing(regionDir)).isEqualTo(new LocalTarget.Routing("1.0", null, 0));
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
    assertThat(local.rollback(new RollbackRequest("release/" + APP + "/1.1", APP, "1.1", ENV, REGION, target,
        "again")).changed()).as("idempotent").isFalse();
  }

  private dev.gantry.workflows.api.rollout.WeightRequest weight(String version, int percent) {
    return new dev.gantry.workflows.api.rollout.WeightRequest("release/" + APP + "/" + version, APP, version, ENV,
        REGION, target, percent);
  }

  @Test
  void deployInstallsTheVersionAndPointsCurrentAtIt() throws IOException {
    ArtifactRef artifact = artifact("1.0", "hello 1.0\n");

    DeployResult result = local.deploy(deploy("1.0", artifact));

    Path versionDir = regionDir.resolve("releases").resolve("1.0");
    assertThat(result.previousVersion()).isNull();
    assertThat(result.alreadyCurrent()).isFalse();
    assertThat(result.location()).isEqualTo(versionDir.toString());
    assertThat(versionDir.resolve("hello-1.0.txt")).hasContent("hello 1.0");
    Path current = regionDir.resolve("current");
    assertThat(Files.isSymbolicLink(current)).as("current is a symbolic link").isTrue();
    assertThat(Files.readSymbolicLink(current)).isEqualTo(Path.of("releases", "1.0"));
    assertThat(current.resolve("hello-1.0.txt")).hasContent("hello 1.0");
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
    JsonNode installed = new ObjectMapper().readTree(versionDir.resolve(".gantry-deploy.json").toFile());
    assertThat(installed.get("artifactDigest").asText()).isEqualTo(artifact.digest());
    assertThat(installed.get("installedAt").asText()).isEqualTo(NOW.toString());
    assertNoLeftovers();
  }

  @Test
  void aNewVersionReportsThePreviousOneAndARepeatedDeployIsIdempotent() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    ArtifactRef v11 = artifact("1.1", "hello 1.1");

    DeployResult first = local.deploy(deploy("1.1", v11));
    DeployResult retried = local.deploy(deploy("1.1", v11));

    assertThat(first).isEqualTo(new DeployResult("1.0", false,
        regionDir.resolve("releases/1.1").toString()));
    assertThat(retried.alreadyCurrent()).as("a retry of our own flip is still our change").isFalse();
    assertThat(retried.previousVersion()).as("a retry returns the same answer").isEqualTo("1.0");
    DeployRequest otherRelease = deploy("1.1", v11);
    otherRelease = new DeployRequest("release/" + APP + "/other", otherRelease.application(),
        otherRelease.version(), otherRelease.artifact(), otherRelease.environment(), otherRelease.region(),
        otherRelease.target());
    assertThat(local.deploy(otherRelease).alreadyCurrent())
        .as("for another release, the version was already live: not its change").isTrue();
    assertThat(retried.location()).isEqualTo(first.location());
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.1");
    assertThat(regionDir.resolve("releases/1.0/hello-1.0.txt")).as("the old version stays for rollback")
        .hasContent("hello 1.0");
    assertNoLeftovers();
  }

  @Test
  void aChangedArtifactIsRefusedAndNothingChanges() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    ArtifactRef v11 = artifact("1.1", "hello 1.1");
    Files.writeString(Path.of(v11.location()), "tampered after the release started");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.1", v11)));

    assertThat(failure).isNotNull();
    assertThat(failure.getType()).isEqualTo(Failures.ARTIFACT_DIGEST_MISMATCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(v11.digest()).contains("changed")
        .as("the digest of the bytes on disk is not revealed")
        .doesNotContain(Digests.sha256(Path.of(v11.location())));
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
    assertThat(regionDir.resolve("releases/1.1")).doesNotExist();
  }

  /**
   * The finding: the target hashed the artifact, then copied it again without hashing the copy, so bytes
   * swapped between the two reads went live while the deploy record claimed the signed digest.
   */
  @Test
  void bytesSwappedBetweenTheCheckAndTheCopyAreNeverInstalled() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    ArtifactRef v11 = artifact("1.1", "hello 1.1");
    LocalTarget racing = new LocalTarget(new HealthChecker(), Clock.fixed(NOW, ZoneOffset.UTC)) {
      @Override
      void afterSourceChecked(Path source) {
        try { // replaced whole, as a writer with access to the artifacts folder would
          Path evil = Files.writeString(source.resolveSibling(".evil"), "hello 1.1 plus a backdoor");
          Files.move(evil, source, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> racing.deploy(deploy("1.1", v11)));

    assertThat(failure).isNotNull();
    assertThat(failure.getType()).isEqualTo(Failures.ARTIFACT_DIGEST_MISMATCH);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains(v11.digest()).contains("between its verification and the install")
        .doesNotContain(Digests.sha256(Path.of(v11.location())));
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
    assertThat(regionDir.resolve("releases/1.1")).doesNotExist();
    try (Stream<Path> left = Files.list(regionDir.resolve("releases"))) {
      assertThat(left.map(p -> p.getFileName().toString())).as("no staging copy is left behind")
          .containsExactly("1.0");
    }
    // A retry with the bytes the release was started for installs them, and only them.
    Files.writeString(Path.of(v11.location()), "hello 1.1");
    local.deploy(deploy("1.1", v11));
    assertThat(Digests.sha256(regionDir.resolve("releases/1.1/hello-1.1.txt"))).isEqualTo(v11.digest());
  }

  @Test
  void aChangedArtifactOnAFreshRegionCreatesNothing() throws IOException {
    ArtifactRef v10 = artifact("1.0", "hello 1.0");
    Files.writeString(Path.of(v10.location()), "hello 1.0 plus a backdoor");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.0", v10)));

    assertThat(failure.getType()).isEqualTo(Failures.ARTIFACT_DIGEST_MISMATCH);
    assertThat(root).doesNotExist();
  }

  @Test
  void anImageCannotBeDeployedToALocalTarget() {
    ArtifactRef image = new ArtifactRef(ArtifactRef.IMAGE, "registry.example/hello", "sha256:00");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.0", image)));

    assertThat(failure.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
    assertThat(failure.isNonRetryable()).isTrue();
  }

  // ----- confinement (attacks that once worked) ---------------------------------------------------

  @Test
  void aWrongDigestDoesNotRevealTheDigestOfTheFile() throws IOException {
    Path secret = Files.writeString(tmp.resolve("shadow"), "root:$6$hash:19000:0:99999:7:::\n");
    ArtifactRef guess = ArtifactRef.file(secret.toString(), "sha256:" + "0".repeat(64));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.0", guess)));

    assertThat(failure.getType()).isEqualTo(Failures.ARTIFACT_DIGEST_MISMATCH);
    assertThat(failure.getOriginalMessage()).contains(guess.digest())
        .doesNotContain(Digests.sha256(secret)).doesNotContain(Digests.sha256(secret).substring(7, 20));
  }

  @Test
  void aVersionThatClimbsOutOfTheRootIsRefusedAndNothingIsWritten() throws IOException {
    ArtifactRef artifact = artifact("1.0", "hello 1.0");

    for (String version : List.of("../../x", "..", "1.0/../../../x", "/tmp/x", "1.0\u0000")) {
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
          () -> local.deploy(deploy(version, artifact)));

      assertThat(failure).as(version).isNotNull();
      assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).startsWith("version '");
    }
    assertThat(root).doesNotExist();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("artifacts");
    }
  }

  @Test
  void anEnvironmentOrRegionThatIsNotANameIsRefusedNamingTheField() throws IOException {
    ArtifactRef artifact = artifact("1.0", "hello 1.0");

    ApplicationFailure environment = catchThrowableOfType(ApplicationFailure.class, () -> local.deploy(
        new DeployRequest("r", APP, "1.0", artifact, "../../outside", REGION, target)));
    ApplicationFailure region = catchThrowableOfType(ApplicationFailure.class, () -> local.deploy(
        new DeployRequest("r", APP, "1.0", artifact, ENV, "..", target)));
    ApplicationFailure health = catchThrowableOfType(ApplicationFailure.class, () -> local.checkHealth(
        new HealthCheckRequest(APP, "1.0", ENV, "eu/west", target, command("true", 1))));

    assertThat(environment.getOriginalMessage()).startsWith("environment '../../outside' is refused");
    assertThat(region.getOriginalMessage()).startsWith("region '..' is refused");
    assertThat(health.getOriginalMessage()).startsWith("region 'eu/west' is refused");
    assertThat(List.of(environment, region, health)).allSatisfy(failure -> {
      assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
      assertThat(failure.isNonRetryable()).isTrue();
    });
    assertThat(tmp.resolve("outside")).doesNotExist();
  }

  @Test
  void aRegionFolderThatIsALinkOutOfTheRootIsRefused() throws IOException {
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.createDirectories(root.resolve(ENV));
    Files.createSymbolicLink(regionDir, elsewhere);

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.0", artifact("1.0", "hello 1.0"))));

    assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(failure.getOriginalMessage()).contains("outside");
    try (Stream<Path> files = Files.list(elsewhere)) {
      assertThat(files).as("nothing written through the link").isEmpty();
    }
  }

  @Test
  void aVersionFolderGantryDidNotMakeIsLeftAlone() throws IOException {
    Path unrecognised = Files.createDirectories(regionDir.resolve("releases/1.0"));
    Files.writeString(unrecognised.resolve("precious.db"), "someone's data");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.0", artifact("1.0", "hello 1.0"))));

    assertThat(failure.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("not installed by Gantry").contains("left alone");
    assertThat(unrecognised.resolve("precious.db")).hasContent("someone's data");
    assertThat(local.currentVersion(regionDir)).isNull();
  }

  @Test
  void aVersionFolderThatIsALinkIsNeverFollowedNorDeleted() throws IOException {
    // One link stays inside the region folder, the other leaves it: neither is a version folder of ours.
    Path precious = Files.createDirectories(regionDir.resolve("precious"));
    Files.writeString(precious.resolve("data"), "keep");
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    Files.createDirectories(regionDir.resolve("releases"));
    Files.createSymbolicLink(regionDir.resolve("releases/1.0"), precious);
    Files.createSymbolicLink(regionDir.resolve("releases/1.1"), elsewhere);

    ApplicationFailure inside = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.0", artifact("1.0", "hello 1.0"))));
    ApplicationFailure outside = catchThrowableOfType(ApplicationFailure.class,
        () -> local.deploy(deploy("1.1", artifact("1.1", "hello 1.1"))));

    assertThat(inside.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
    assertThat(inside.getOriginalMessage()).contains("symbolic link");
    assertThat(outside.getType()).isEqualTo(Failures.INVALID_REQUEST);
    assertThat(outside.getOriginalMessage()).contains("outside");
    assertThat(precious.resolve("data")).hasContent("keep");
    assertThat(Files.isSymbolicLink(regionDir.resolve("releases/1.0"))).isTrue();
    try (Stream<Path> files = Files.list(elsewhere)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void ourOwnIncompleteInstallIsRedone() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    Files.delete(regionDir.resolve("releases/1.0/hello-1.0.txt")); // as if a crash had cut the copy

    local.deploy(new DeployRequest("release/" + APP + "/1.0-again", APP, "1.0", artifact("1.0", "hello 1.0"), ENV,
        REGION, target));

    assertThat(regionDir.resolve("releases/1.0/hello-1.0.txt")).hasContent("hello 1.0");
  }

  @Test
  void aTamperedPreviousMarkerCannotSendARollbackOutOfTheRoot() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    Files.writeString(regionDir.resolve("releases/1.0/.previous"), "../../../../outside");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> local.rollback(rollback("1.0")));

    assertThat(failure.isNonRetryable()).isTrue();
    assertThat(failure.getOriginalMessage()).contains("does not hold a version").doesNotContain("outside'");
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
  }

  @Test
  void aCurrentLinkGantryDidNotSetIsNotFollowed() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    Files.delete(regionDir.resolve("current"));
    Files.createSymbolicLink(regionDir.resolve("current"), tmp);

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.checkHealth(health("1.0", command("true", 1))));

    assertThat(failure.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
    assertThat(failure.getOriginalMessage()).contains("was not set by Gantry");
  }

  @Test
  void theFoldersADeployCreatesAreMarkedAsOurs() throws IOException {
    Files.createDirectories(root.resolve("production/us-east-1"));

    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    local.deploy(new DeployRequest("r", APP, "1.0", artifact("1.0", "hello 1.0"), "production", "us-east-1", target));

    assertThat(root.resolve(ENV).resolve(LocalTarget.ENVIRONMENT_MARKER)).isRegularFile();
    assertThat(regionDir.resolve(LocalTarget.REGION_MARKER)).isRegularFile();
    assertThat(root.resolve("production").resolve(LocalTarget.ENVIRONMENT_MARKER)).as("existed before: not ours")
        .doesNotExist();
    assertThat(root.resolve("production/us-east-1").resolve(LocalTarget.REGION_MARKER)).doesNotExist();
  }

  // ----- rollback ---------------------------------------------------------------------------------

  @Test
  void rollbackRestoresThePreviousVersionOnceAndIsThenANoOp() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    local.deploy(deploy("1.1", artifact("1.1", "hello 1.1")));

    RollbackResult undone = local.rollback(rollback("1.1"));
    RollbackResult again = local.rollback(rollback("1.1"));

    assertThat(undone).isEqualTo(new RollbackResult(true, "1.0"));
    assertThat(again).isEqualTo(new RollbackResult(false, "1.0"));
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
    assertThat(regionDir.resolve("current/hello-1.0.txt")).hasContent("hello 1.0");
  }

  @Test
  void rollbackWithNothingBeforeRemovesCurrent() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));

    RollbackResult undone = local.rollback(rollback("1.0"));

    assertThat(undone).isEqualTo(new RollbackResult(true, null));
    assertThat(Files.exists(regionDir.resolve("current"), LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(local.currentVersion(regionDir)).isNull();
  }

  @Test
  void rollbackOfAVersionThatNeverLandedChangesNothing() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));

    assertThat(local.rollback(rollback("1.1"))).isEqualTo(new RollbackResult(false, "1.0"));
    assertThat(local.currentVersion(regionDir)).isEqualTo("1.0");
    assertThat(new LocalTarget(new HealthChecker(), Clock.systemUTC())
        .rollback(new RollbackRequest("r", APP, "1.0", ENV, "ap-southeast-1", target, "test")))
        .as("a region never deployed").isEqualTo(new RollbackResult(false, null));
  }

  // ----- health checks ----------------------------------------------------------------------------

  @Test
  void aCommandHealthCheckPassesOnExitZeroAndSeesTheRegion() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    String command = String.join(" && ",
        "test \"$GANTRY_REGION\" = eu-west-1",
        "test \"$GANTRY_VERSION\" = 1.0",
        "test \"$GANTRY_ENVIRONMENT\" = staging",
        "test \"$GANTRY_APPLICATION\" = hello-service",
        "test \"$(pwd -P)\" = \"$(cd \"$GANTRY_REGION_DIR\" && pwd -P)\"",
        "test -f \"$GANTRY_CURRENT_DIR/hello-1.0.txt\"",
        "echo \"ok $GANTRY_APPLICATION $GANTRY_VERSION in $GANTRY_ENVIRONMENT/$GANTRY_REGION\"");

    HealthCheckResult result = local.checkHealth(health("1.0", command(command, 10)));

    assertThat(result.healthy()).isTrue();
    assertThat(result.detail()).isEqualTo("ok hello-service 1.0 in staging/eu-west-1");
  }

  @Test
  void aCommandHealthCheckFailsOnExitOneWithTheLastLineOfItsOutput() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.checkHealth(health("1.0",
            command("echo 'database unreachable'; echo 'on port 5432' >&2; exit 1", 10))));

    assertThat(failure.getType()).isEqualTo(Failures.UNHEALTHY);
    assertThat(failure.isNonRetryable()).as("the retry policy decides how often to check").isFalse();
    assertThat(failure.getOriginalMessage()).as("one line is shown: the last, stderr included")
        .isEqualTo("health check exited 1: on port 5432");
  }

  @Test
  void aCommandHealthCheckThatHangsTimesOut() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.checkHealth(health("1.0", command("echo starting; sleep 30", 1))));

    assertThat(failure.getType()).isEqualTo(Failures.UNHEALTHY);
    assertThat(failure.getOriginalMessage()).contains("timed out after 1s").contains("starting");
  }

  @Test
  void aTimedOutCommandLeavesNoProcessBehind() throws Exception {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    Path pidFile = tmp.resolve("check.pid");

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> local.checkHealth(
        health("1.0", command("sleep 60 & echo $! > '" + pidFile + "'; wait", 1))));

    assertThat(failure.getOriginalMessage()).contains("timed out");
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    assertThat(awaitGone(pid)).as("the check's child process %d was killed with the shell", pid).isTrue();
  }

  /** Polls until the process has exited: a kill is asynchronous. */
  private static boolean awaitGone(long pid) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  @Test
  void aHealthCheckOfARegionNotRunningTheVersionFails() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.checkHealth(health("1.1", command("true", 10))));

    assertThat(failure.getType()).isEqualTo(Failures.UNHEALTHY);
    assertThat(failure.getOriginalMessage()).contains("runs 1.0, expected 1.1");
  }

  @Test
  void aHealthCheckNeedsExactlyOneOfCommandOrUrl() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));

    ApplicationFailure both = catchThrowableOfType(ApplicationFailure.class, () -> local.checkHealth(
        health("1.0", new HealthCheck("true", "http://127.0.0.1:1/", 1, 1, 1))));
    ApplicationFailure neither = catchThrowableOfType(ApplicationFailure.class, () -> local.checkHealth(
        health("1.0", new HealthCheck(null, " ", 1, 1, 1))));

    assertThat(List.of(both, neither)).allSatisfy(failure -> {
      assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
      assertThat(failure.isNonRetryable()).isTrue();
    });
  }

  @Test
  void aUrlHealthCheckPassesOn200AndFailsOn503() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> respond(exchange, 200, "{\"status\":\"UP\"}"));
    server.createContext("/down", exchange -> respond(exchange, 503, "maintenance in progress"));
    server.start();
    try {
      String base = "http://127.0.0.1:" + server.getAddress().getPort();

      HealthCheckResult up = local.checkHealth(health("1.0", url(base + "/health")));
      ApplicationFailure down = catchThrowableOfType(ApplicationFailure.class,
          () -> local.checkHealth(health("1.0", url(base + "/down"))));

      assertThat(up.healthy()).isTrue();
      assertThat(up.detail()).isEqualTo("GET " + base + "/health -> 200");
      assertThat(down.getType()).isEqualTo(Failures.UNHEALTHY);
      assertThat(down.isNonRetryable()).isFalse();
      assertThat(down.getOriginalMessage()).contains("-> 503").contains("maintenance in progress");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aUrlHealthCheckThatHangsFailsAfterItsTimeoutAsUnhealthy() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/health", exchange -> {
      try {
        Thread.sleep(10_000); // a health endpoint that answers far too late
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    try {
      long began = System.nanoTime();
      ApplicationFailure hung = catchThrowableOfType(ApplicationFailure.class, () -> local.checkHealth(health("1.0",
          new HealthCheck(null, "http://127.0.0.1:" + server.getAddress().getPort() + "/health", 1, 1, 1))));
      double seconds = (System.nanoTime() - began) / 1e9;

      assertThat(hung.getType()).isEqualTo(Failures.UNHEALTHY);
      assertThat(hung.isNonRetryable()).as("the next attempt may find it up").isFalse();
      assertThat(seconds).as("gives up after timeoutSeconds").isLessThan(10);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aUrlHealthCheckFailsWhenNothingListens() throws IOException {
    local.deploy(deploy("1.0", artifact("1.0", "hello 1.0")));
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    int port = closedPort;

    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
        () -> local.checkHealth(health("1.0", url("http://127.0.0.1:" + port + "/health"))));

    assertThat(failure.getType()).isEqualTo(Failures.UNHEALTHY);
    assertThat(failure.getOriginalMessage()).contains("failed");
  }

  // ----- record -----------------------------------------------------------------------------------

  @Test
  void recordDeploymentWritesDeployedJsonWithTheDigest() throws IOException {
    String digest = artifact("1.0", "hello 1.0").digest();

    RecordDeploymentResult result = local.recordDeployment(new RecordDeploymentRequest(
        "release/hello-service/1.0", APP, "1.0", digest, ENV, List.of("us-east-1", REGION), target));

    Path record = root.resolve(ENV).resolve("deployed.json");
    assertThat(result.location()).isEqualTo(record.toString());
    JsonNode json = new ObjectMapper().readTree(record.toFile());
    assertThat(json.get("artifactDigest").asText()).isEqualTo(digest).startsWith("sha256:");
    assertThat(json.get("version").asText()).isEqualTo("1.0");
    assertThat(json.get("application").asText()).isEqualTo(APP);
    assertThat(json.get("releaseId").asText()).isEqualTo("release/hello-service/1.0");
    assertThat(json.get("regions")).extracting(JsonNode::asText).containsExactly("us-east-1", REGION);
    assertThat(json.get("recordedAt").asText()).isEqualTo(NOW.toString());
    try (Stream<Path> files = Files.list(root.resolve(ENV))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("deployed.json", LocalTarget.ENVIRONMENT_MARKER);
    }
  }

  // -----------------------------------------------------------------------------------------------

  private ArtifactRef artifact(String version, String content) throws IOException {
    Path file = tmp.resolve("artifacts").resolve(version).resolve("hello-" + version + ".txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return ArtifactRef.file(file.toString(), Digests.sha256(file));
  }

  private DeployRequest deploy(String version, ArtifactRef artifact) {
    return new DeployRequest("release/" + APP + "/" + version, APP, version, artifact, ENV, REGION, target);
  }

  private RollbackRequest rollback(String version) {
    return new RollbackRequest("release/" + APP + "/" + version, APP, version, ENV, REGION, target,
        "a test says so");
  }

  private HealthCheckRequest health(String version, HealthCheck check) {
    return new HealthCheckRequest(APP, version, ENV, REGION, target, check);
  }

  private static HealthCheck command(String command, int timeoutSeconds) {
    return new HealthCheck(command, null, timeoutSeconds, 1, 1);
  }

  private static HealthCheck url(String url) {
    return new HealthCheck(null, url, 5, 1, 1);
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private void assertNoLeftovers() throws IOException {
    try (Stream<Path> paths = Files.walk(regionDir)) {
      assertThat(paths.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains(".tmp-"));
    }
  }
}
