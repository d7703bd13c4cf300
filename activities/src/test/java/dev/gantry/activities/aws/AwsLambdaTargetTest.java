package dev.gantry.activities.aws;

import static dev.gantry.activities.aws.MotoWorld.FUNCTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.ArtifactRef;
import dev.gantry.workflows.api.DeployRequest;
import dev.gantry.workflows.api.DeployResult;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.HealthCheck;
import dev.gantry.workflows.api.HealthCheckRequest;
import dev.gantry.workflows.api.RollbackRequest;
import dev.gantry.workflows.api.RollbackResult;
import dev.gantry.workflows.api.aws.AwsTarget;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The lambda adapter, one region at a time, against moto. */
class AwsLambdaTargetTest {
  static final String REGION = "eu-west-1";
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld world;
  LambdaTarget target;
  DeployTarget deployTarget;
  @TempDir Path dir;

  @BeforeEach
  void world() {
    world = new MotoWorld(moto);
    world.region(REGION);
    target = world.lambdaTarget();
    deployTarget = DeployTarget.aws(DeployTarget.LAMBDA, world.target(null));
  }

  @AfterEach
  void close() {
    world.close();
  }

  DeployRequest deploy(String version, ArtifactRef artifact) {
    return deploy(version, artifact, REGION, deployTarget);
  }

  static DeployRequest deploy(String version, ArtifactRef artifact, String region, DeployTarget target) {
    return new DeployRequest("release/hello-service/" + version, "hello-service", version, artifact,
        "production", region, target);
  }

  RollbackRequest rollback(String version) {
    return new RollbackRequest("release/hello-service/" + version, "hello-service", version, "production",
        REGION, deployTarget, "test");
  }

  @Test
  void deployReplicatesVerifiesPublishesAndMovesTheAliasOnceAndRollbackRestoresThePreviousVersion() {
    ArtifactRef first = MotoWorld.artifact(dir, "1.3.0");
    ArtifactRef second = MotoWorld.artifact(dir, "1.4.0");
    DeployResult initial = target.deploy(deploy("1.3.0", first));
    assertThat(initial.previousVersion()).isNull();
    assertThat(world.aliasServes(REGION)).isEqualTo("1.3.0");

    DeployResult deployed = target.deploy(deploy("1.4.0", second));
    assertThat(deployed.previousVersion()).isEqualTo("1.3.0");
    assertThat(deployed.alreadyCurrent()).isFalse();
    assertThat(world.aliasServes(REGION)).isEqualTo("1.4.0");
    assertThat(world.replicaDigest(REGION, "hello-service/1.4.0/hello-service-1.4.0.zip"))
        .isEqualTo(second.digest());
    assertThat(world.replicaDigest(REGION, "hello-service/1.4.0/hello-service-1.4.0.zip.sig"))
        .isEqualTo(MotoWorld.sha256("signature-of-1.4.0".getBytes()));

    // A retried deploy (the worker died after moving the alias) publishes nothing and says the same.
    DeployResult retried = target.deploy(deploy("1.4.0", second));
    assertThat(retried.previousVersion()).isEqualTo("1.3.0");
    assertThat(retried.alreadyCurrent()).isFalse();
    assertThat(world.publishedVersions(REGION)).isEqualTo(2);

    // Another release of a version that is already live did not change anything.
    DeployResult other = target.deploy(new DeployRequest("release/other", "hello-service", "1.4.0", second,
        "production", REGION, deployTarget));
    assertThat(other.alreadyCurrent()).isTrue();

    RollbackResult undone = target.rollback(rollback("1.4.0"));
    assertThat(undone).isEqualTo(new RollbackResult(true, "1.3.0"));
    assertThat(world.aliasServes(REGION)).isEqualTo("1.3.0");
    assertThat(target.rollback(rollback("1.4.0")).changed()).as("a second rollback is a no-op").isFalse();
  }

  @Test
  void rollbackOfAVersionThatNeverLandedChangesNothing() {
    target.deploy(deploy("1.3.0", MotoWorld.artifact(dir, "1.3.0")));

    assertThat(target.rollback(rollback("1.4.0"))).isEqualTo(new RollbackResult(false, "1.3.0"));
    assertThat(world.aliasServes(REGION)).isEqualTo("1.3.0");
  }

  @Test
  void aReplicaWithOneChangedByteIsRefusedAndTheAliasDoesNotMove() {
    target.deploy(deploy("1.3.0", MotoWorld.artifact(dir, "1.3.0")));
    ArtifactRef artifact = MotoWorld.artifact(dir, "1.4.0");
    byte[] tampered = java.nio.file.Files.exists(Path.of(artifact.location()))
        ? readAll(Path.of(artifact.location())) : new byte[0];
    tampered[tampered.length / 2] ^= 0x01;
    String key = "hello-service/1.4.0/hello-service-1.4.0.zip";
    world.putObject(REGION, key, tampered);

    assertThatThrownBy(() -> target.deploy(deploy("1.4.0", artifact)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.ARTIFACT_DIGEST_MISMATCH);
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains(REGION, "s3://gantry-artifacts-eu-west-1/" + key,
              artifact.digest()).as("the replica's own digest is not revealed")
              .doesNotContain(MotoWorld.sha256(tampered));
        });
    assertThat(world.aliasServes(REGION)).isEqualTo("1.3.0");
    assertThat(world.publishedVersions(REGION)).isEqualTo(1);
  }

  @Test
  void aMissingBucketIsAClearNonRetryableError() {
    AwsTarget aws = world.target(null);
    DeployTarget noBucket = DeployTarget.aws(DeployTarget.LAMBDA, new AwsTarget(aws.account(),
        "nobody-made-{region}", aws.lambda(), null, null, aws.regions(), 0));

    assertThatThrownBy(() -> target.deploy(deploy("1.4.0", MotoWorld.artifact(dir, "1.4.0"), REGION, noBucket)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.AWS_RESOURCE_MISSING);
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains("nobody-made-eu-west-1", "does not exist in eu-west-1",
              "artifactBucket");
        });
  }

  @Test
  void anUnknownFunctionIsAClearNonRetryableError() {
    assertThatThrownBy(() -> target.deploy(deploy("1.4.0", MotoWorld.artifact(dir, "1.4.0"), "us-west-2",
        deployTarget)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.AWS_RESOURCE_MISSING);
          assertThat(failure.getOriginalMessage()).contains("Lambda function " + FUNCTION, "us-west-2",
              "functionName");
        });
  }

  @Test
  void anUnknownRegionIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> target.deploy(deploy("1.4.0", MotoWorld.artifact(dir, "1.4.0"), "eu-mars-1",
        deployTarget)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains("'eu-mars-1' is not an AWS region");
        });
  }

  @Test
  void healthPassesOnlyWhileEveryAlarmOfTheRegionIsOk() {
    target.deploy(deploy("1.4.0", MotoWorld.artifact(dir, "1.4.0")));
    HealthCheckRequest check = new HealthCheckRequest("hello-service", "1.4.0", "production", REGION,
        deployTarget, new HealthCheck(null, null, 30, 3, 1));

    assertThat(target.checkHealth(check).detail()).contains("alarm hello-5xx-eu-west-1 OK");

    world.setAlarm(REGION, "ALARM");
    assertThatThrownBy(() -> target.checkHealth(check))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.UNHEALTHY);
          assertThat(failure.isNonRetryable()).isFalse();
          assertThat(failure.getOriginalMessage()).contains("alarm hello-5xx-eu-west-1 is ALARM");
        });
  }

  @Test
  void healthFailsWhileTheAliasServesAnotherVersion() {
    target.deploy(deploy("1.3.0", MotoWorld.artifact(dir, "1.3.0")));
    HealthCheckRequest check = new HealthCheckRequest("hello-service", "1.4.0", "production", REGION,
        deployTarget, new HealthCheck(null, null, 30, 3, 1));

    assertThatThrownBy(() -> target.checkHealth(check))
        .isInstanceOfSatisfying(ApplicationFailure.class,
            failure -> assertThat(failure.getOriginalMessage()).contains("not at 1.4.0"));
  }

  private static byte[] readAll(Path file) {
    try {
      return java.nio.file.Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
