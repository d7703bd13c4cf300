package dev.gantry.activities.aws;

import static dev.gantry.activities.aws.MotoWorld.FUNCTION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.temporal.Failures;
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

  // --- what is deployed is what was checked ---------------------------------------------------------

  @Test
  void anUnversionedBucketIsRefusedBeforeAnythingIsWritten() {
    world.clients.s3(REGION).putBucketVersioning(b -> b.bucket(MotoWorld.bucketOf(REGION)).versioningConfiguration(
        v -> v.status(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.SUSPENDED)));
    ArtifactRef artifact = MotoWorld.artifact(dir, "1.4.0");

    assertThatThrownBy(() -> target.deploy(deploy("1.4.0", artifact)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains("is not versioned", "put-bucket-versioning");
        });
    assertThat(world.clients.s3(REGION).listObjectsV2(b -> b.bucket(MotoWorld.bucketOf(REGION))).contents()).isEmpty();
    assertThat(world.publishedVersions(REGION)).isZero();
  }

  @Test
  void anArtifactObjectWithoutAVersionIsRefusedNotPinnedToNothing() {
    var s3 = world.clients.s3(REGION);
    String bucket = MotoWorld.bucketOf(REGION);
    ArtifactRef artifact = MotoWorld.artifact(dir, "1.4.0");
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(
        v -> v.status(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.SUSPENDED)));
    world.putObject(REGION, "hello-service/1.4.0/hello-service-1.4.0.zip", readAll(Path.of(artifact.location())));
    s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(
        v -> v.status(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));

    assertThatThrownBy(() -> target.deploy(deploy("1.4.0", artifact)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains("has no object version", "delete the object");
        });
    assertThat(world.publishedVersions(REGION)).isZero();
  }

  /**
   * The finding: the replica was checked, then deployed by name, so bytes written to the key after the
   * check were what Lambda took. Now the update names the checked object version, and Lambda's CodeSha256
   * is compared with the signed digest. (moto's Lambda ignores S3ObjectVersion and takes the key's latest
   * bytes: here the swap is caught by the CodeSha256 comparison; AWS would take the pinned version.)
   */
  @Test
  void bytesSwappedInTheBucketAfterTheCheckNeverGoLive() {
    target.deploy(deploy("1.3.0", MotoWorld.artifact(dir, "1.3.0")));
    ArtifactRef artifact = MotoWorld.artifact(dir, "1.4.0");
    String key = "hello-service/1.4.0/hello-service-1.4.0.zip";
    byte[] evil = MotoWorld.zip("def handler(event, context):\n    return 'backdoor'\n");
    java.util.List<ArtifactReplicator.Replica> checked = new java.util.ArrayList<>();
    java.util.List<String> requestedVersions = new java.util.concurrent.CopyOnWriteArrayList<>();
    AwsClients recording = recordingCodeUpdates(requestedVersions);
    ArtifactReplicator racing = new ArtifactReplicator(recording) {
      @Override
      public java.util.List<Replica> replicate(String region, String bucket, String application, String version,
          Path file, String expectedDigest) {
        java.util.List<Replica> replicas = super.replicate(region, bucket, application, version, file, expectedDigest);
        checked.addAll(replicas);
        world.putObject(REGION, key, evil); // a new object version, after the check
        return replicas;
      }
    };
    LambdaTarget lambda = new LambdaTarget(recording, racing,
        new RegionHealthChecks(recording, new dev.gantry.activities.local.HealthChecker()), java.time.Clock.systemUTC());

    assertThatThrownBy(() -> lambda.deploy(deploy("1.4.0", artifact)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.ARTIFACT_DIGEST_MISMATCH);
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getOriginalMessage()).contains("CodeSha256", artifact.digest(), "nothing was published")
              .doesNotContain(LambdaTarget.codeSha256Of(MotoWorld.sha256(evil)));
        });
    ArtifactReplicator.Replica pinned = checked.get(0);
    assertThat(requestedVersions).as("the update names the version that was checked").containsExactly(pinned.versionId());
    assertThat(MotoWorld.sha256(world.clients.s3(REGION).getObjectAsBytes(b -> b.bucket(pinned.bucket())
        .key(pinned.key()).versionId(pinned.versionId())).asByteArray())).isEqualTo(artifact.digest());
    assertThat(world.aliasServes(REGION)).isEqualTo("1.3.0");
    assertThat(world.publishedVersions(REGION)).isEqualTo(1);
  }

  @Test
  void aPublishedVersionNamedLikeTheReleaseButWithOtherCodeIsRefused() {
    target.deploy(deploy("1.3.0", MotoWorld.artifact(dir, "1.3.0")));
    var fn = world.clients.lambda(REGION);
    fn.updateFunctionCode(b -> b.functionName(FUNCTION).zipFile(software.amazon.awssdk.core.SdkBytes.fromByteArray(
        MotoWorld.zip("def handler(event, context):\n    return 'not 1.4.0'\n"))));
    fn.publishVersion(b -> b.functionName(FUNCTION).description("1.4.0"));
    ArtifactRef artifact = MotoWorld.artifact(dir, "1.4.0");

    assertThatThrownBy(() -> target.deploy(deploy("1.4.0", artifact)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.ARTIFACT_DIGEST_MISMATCH);
          assertThat(failure.getOriginalMessage()).contains("is described as 1.4.0 but its code is not");
        });
    assertThat(world.aliasServes(REGION)).isEqualTo("1.3.0");
  }

  @Test
  void theSignatureAndProvenanceAreReplicatedWithTheArtifactEachPinned() throws Exception {
    ArtifactRef artifact = MotoWorld.artifact(dir, "1.4.0");
    Path file = Path.of(artifact.location());
    java.nio.file.Files.writeString(file.resolveSibling(file.getFileName() + ".provenance.sigstore.json"),
        "{\"provenance\": \"of release 1\"}");

    java.util.List<ArtifactReplicator.Replica> first = new ArtifactReplicator(world.clients)
        .replicate(REGION, MotoWorld.bucketOf(REGION), "hello-service", "1.4.0", file, artifact.digest());
    assertThat(first).extracting(r -> r.key().substring("hello-service/1.4.0/".length())).containsExactly(
        "hello-service-1.4.0.zip", "hello-service-1.4.0.zip.sig", "hello-service-1.4.0.zip.provenance.sigstore.json");
    assertThat(first).allSatisfy(r -> assertThat(r.versionId()).isNotBlank());

    // Signed again (a provenance names its release): the replica gets a new version; the artifact stays.
    java.nio.file.Files.writeString(file.resolveSibling(file.getFileName() + ".provenance.sigstore.json"),
        "{\"provenance\": \"of release 2\"}");
    java.util.List<ArtifactReplicator.Replica> second = new ArtifactReplicator(world.clients)
        .replicate(REGION, MotoWorld.bucketOf(REGION), "hello-service", "1.4.0", file, artifact.digest());
    assertThat(second.get(0).versionId()).isEqualTo(first.get(0).versionId());
    assertThat(second.get(2).versionId()).isNotEqualTo(first.get(2).versionId());
    assertThat(world.clients.s3(REGION).getObjectAsBytes(b -> b.bucket(MotoWorld.bucketOf(REGION))
        .key(second.get(2).key())).asUtf8String()).contains("of release 2");
  }

  /** The world's clients, but Lambda's UpdateFunctionCode requests are recorded (their S3ObjectVersion). */
  private AwsClients recordingCodeUpdates(java.util.List<String> versions) {
    software.amazon.awssdk.core.interceptor.ExecutionInterceptor interceptor =
        new software.amazon.awssdk.core.interceptor.ExecutionInterceptor() {
          @Override
          public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
              software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            if (context.request() instanceof software.amazon.awssdk.services.lambda.model.UpdateFunctionCodeRequest update) {
              versions.add(update.s3ObjectVersion());
            }
          }
        };
    software.amazon.awssdk.services.lambda.LambdaClient lambda = software.amazon.awssdk.services.lambda.LambdaClient
        .builder().region(software.amazon.awssdk.regions.Region.of(REGION)).credentialsProvider(moto.credentials())
        .endpointOverride(moto.endpoint()).overrideConfiguration(o -> o.addExecutionInterceptor(interceptor)).build();
    return new AwsClients(world.clients.settings()) {
      @Override
      public software.amazon.awssdk.services.lambda.LambdaClient lambda(String region) {
        return lambda;
      }
    };
  }

  private static byte[] readAll(Path file) {
    try {
      return java.nio.file.Files.readAllBytes(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
