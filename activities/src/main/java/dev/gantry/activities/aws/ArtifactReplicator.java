package dev.gantry.activities.aws;

import dev.gantry.activities.local.Digests;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Copies a release's artifact, and the signature files beside it ({@code <artifact>.sig},
 * {@code <artifact>.sigstore.json}, the provenance and SBOM bundles), into a region's bucket under
 * {@code <app>/<version>/}, then reads every copy back, by its object version, and compares its SHA-256.
 *
 * <p>The bucket must be versioned: each replica is pinned to the object version that was checked, and
 * the targets deploy that version, never "whatever the key holds now". The artifact is written once: an
 * object already at its key is never replaced, only checked. The signature files are small and change
 * when a release signs again (a provenance names its release): a replica that differs from the worker's
 * copy gets a new object version (the old one stays in the bucket's history).
 */
public class ArtifactReplicator {
  static final List<String> SIGNATURE_SUFFIXES = List.of(".sig", ".sigstore.json", ".provenance.sigstore.json",
      ".sbom.sigstore.json");
  /** A bundle can hold a whole SBOM: the verifier's bound. */
  static final long MAX_SIGNATURE_FILE_BYTES = 64 * BoundedFiles.MIB;
  private final AwsClients clients;

  public ArtifactReplicator(AwsClients clients) {
    this.clients = clients;
  }

  /**
   * Where one replica lives.
   *
   * @param versionId the object version that was read back and matched {@code digest}: deploy this one
   */
  public record Replica(String region, String bucket, String key, String digest, String versionId) {
    public String uri() {
      return "s3://" + bucket + "/" + key + (versionId == null ? "" : "?versionId=" + versionId);
    }
  }

  /** Replicates and verifies; returns the artifact's replica first, then the signature files'. */
  public List<Replica> replicate(String region, String bucket, String application, String version,
      Path artifact, String expectedDigest) {
    S3Client s3 = clients.s3(region);
    requireBucket(s3, region, bucket);
    requireVersioning(s3, region, bucket);
    List<Replica> replicas = new ArrayList<>();
    replicas.add(artifactOnce(s3, region, bucket, keyOf(application, version, artifact), artifact,
        expectedDigest));
    for (String suffix : SIGNATURE_SUFFIXES) {
      Path signature = artifact.resolveSibling(artifact.getFileName() + suffix);
      if (Files.isRegularFile(signature)) {
        replicas.add(signatureFile(s3, region, bucket, keyOf(application, version, signature), signature));
      }
    }
    return replicas;
  }

  public static String keyOf(String application, String version, Path file) {
    return application + "/" + version + "/" + file.getFileName();
  }

  /** Reads a small JSON or text object; null if there is none. */
  public String readText(String region, String bucket, String key) {
    S3Client s3 = clients.s3(region);
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    } catch (AwsServiceException e) {
      if (AwsErrors.isMissing(e) && !"NoSuchBucket".equals(code(e))) {
        return null;
      }
      throw AwsErrors.translate("read s3://" + bucket + "/" + key + " in " + region, e);
    }
  }

  public void writeText(String region, String bucket, String key, String text) {
    AwsErrors.call("write s3://" + bucket + "/" + key + " in " + region, () ->
        clients.s3(region).putObject(b -> b.bucket(bucket).key(key).contentType("application/json"),
            RequestBody.fromString(text, StandardCharsets.UTF_8)));
  }

  private static void requireBucket(S3Client s3, String region, String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
    } catch (AwsServiceException e) {
      if (AwsErrors.isMissing(e)) {
        throw AwsErrors.missing("artifact bucket " + bucket + " does not exist in " + region
            + ": create it (aws s3 mb s3://" + bucket + " --region " + region + ") or fix"
            + " target.aws.artifactBucket / regions." + region + ".bucket");
      }
      throw AwsErrors.translate("check artifact bucket " + bucket + " in " + region, e);
    }
  }

  /**
   * Without versioning a key is only a name: what was checked can be replaced before it is deployed.
   * Refused before anything is written.
   */
  private static void requireVersioning(S3Client s3, String region, String bucket) {
    BucketVersioningStatus status = AwsErrors.call("read the versioning of bucket " + bucket + " in " + region,
        () -> s3.getBucketVersioning(b -> b.bucket(bucket)).status());
    if (status != BucketVersioningStatus.ENABLED) {
      throw ApplicationFailure.newNonRetryableFailure("artifact bucket " + bucket + " in " + region + " is not"
          + " versioned (" + (status == null ? "never enabled" : status) + "): Gantry deploys the object version"
          + " it checked, which needs versioning; enable it (aws s3api put-bucket-versioning --bucket " + bucket
          + " --versioning-configuration Status=Enabled --region " + region + ") and start the release again",
          Failures.INVALID_REQUEST);
    }
  }

  private static Replica artifactOnce(S3Client s3, String region, String bucket, String key, Path source,
      String digest) {
    String what = "replicate " + source.getFileName() + " to s3://" + bucket + "/" + key + " in " + region;
    String versionId = existingVersion(s3, what, bucket, key);
    if (versionId != null) {
      requireVersionId(versionId, bucket, key);
    } else {
      versionId = AwsErrors.call(what, () -> s3.putObject(b -> b.bucket(bucket).key(key)
          .metadata(Map.of("gantry-sha256", digest)), RequestBody.fromFile(source))).versionId();
    }
    // The bytes read back from that very version: the file may have changed since it was checked, and
    // the key may be written again after this; neither reaches a target that deploys this version.
    return checked(s3, new Replica(region, bucket, key, digest, requireVersionId(versionId, bucket, key)));
  }

  private static Replica signatureFile(S3Client s3, String region, String bucket, String key, Path source) {
    byte[] bytes;
    try {
      bytes = BoundedFiles.read(source, MAX_SIGNATURE_FILE_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException(source + " " + BoundedFiles.describe(e), e);
    }
    String digest = Digests.sha256(bytes);
    String what = "replicate " + source.getFileName() + " to s3://" + bucket + "/" + key + " in " + region;
    String existing = existingVersion(s3, what, bucket, key);
    if (existing != null && !"null".equals(existing) && digest.equals(digestOf(s3, new Replica(region, bucket, key, digest, existing)))) {
      return new Replica(region, bucket, key, digest, existing);
    }
    String written = AwsErrors.call(what, () -> s3.putObject(b -> b.bucket(bucket).key(key)
        .metadata(Map.of("gantry-sha256", digest)), RequestBody.fromBytes(bytes))).versionId();
    return checked(s3, new Replica(region, bucket, key, digest, requireVersionId(written, bucket, key)));
  }

  /** The version the key holds now ({@code "null"} if written before versioning), or null when it holds nothing. */
  private static String existingVersion(S3Client s3, String what, String bucket, String key) {
    try {
      String versionId = s3.headObject(b -> b.bucket(bucket).key(key)).versionId();
      return versionId == null ? "null" : versionId;
    } catch (AwsServiceException e) {
      if (!AwsErrors.isMissing(e)) {
        throw AwsErrors.translate(what, e);
      }
      return null;
    }
  }

  private static String requireVersionId(String versionId, String bucket, String key) {
    if (versionId == null || versionId.isBlank() || "null".equals(versionId)) {
      // Written before versioning was enabled, or by a store that does not version: nothing to pin.
      throw ApplicationFailure.newNonRetryableFailure("s3://" + bucket + "/" + key + " has no object version"
          + " (written before the bucket was versioned?): Gantry deploys only a version it checked; delete the"
          + " object so that the next release writes it again", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    return versionId;
  }

  private static Replica checked(S3Client s3, Replica replica) {
    if (!digestOf(s3, replica).equals(replica.digest())) {
      // The release's digest only, never the replica's: a digest is not ours to reveal.
      throw ApplicationFailure.newNonRetryableFailure("replica " + replica.uri() + " in " + replica.region()
          + " does not have the release's digest (" + replica.digest() + "): refusing to deploy in "
          + replica.region() + " (the copy was changed after it was written; find out by whom, then delete"
          + " it so that the next release copies it again)", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
    return replica;
  }

  private static String digestOf(S3Client s3, Replica replica) {
    try (ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(replica.bucket())
        .key(replica.key()).versionId(replica.versionId()))) {
      if (!replica.versionId().equals(in.response().versionId())) {
        throw ApplicationFailure.newNonRetryableFailure("reading " + replica.uri() + " in " + replica.region()
            + " returned another object version: refusing to deploy an unpinned copy",
            Failures.ARTIFACT_DIGEST_MISMATCH);
      }
      return Digests.sha256(in);
    } catch (AwsServiceException e) {
      throw AwsErrors.translate("read back " + replica.uri() + " in " + replica.region(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("read back " + replica.uri() + ": " + e.getMessage(), e);
    }
  }

  private static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
