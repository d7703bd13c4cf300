package dev.gantry.activities.aws;

import dev.gantry.activities.local.Digests;
import dev.gantry.workflows.api.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Copies a release's artifact, and its signature files ({@code <artifact>.sig},
 * {@code <artifact>.sigstore.json}) when they lie beside it, into a region's bucket under
 * {@code <app>/<version>/}, then reads every copy back and compares its SHA-256.
 *
 * <p>Replicas are written once: an object already at the key is never replaced, only verified. A retried
 * deploy therefore costs a read, and a replica somebody changed is found and refused, not papered over.
 */
public class ArtifactReplicator {
  static final List<String> SIGNATURE_SUFFIXES = List.of(".sig", ".sigstore.json");
  private final AwsClients clients;

  public ArtifactReplicator(AwsClients clients) {
    this.clients = clients;
  }

  /** Where one replica lives. */
  public record Replica(String region, String bucket, String key, String digest) {
    public String uri() {
      return "s3://" + bucket + "/" + key;
    }
  }

  /** Replicates and verifies; returns the artifact's replica first, then the signature files'. */
  public List<Replica> replicate(String region, String bucket, String application, String version,
      Path artifact, String expectedDigest) {
    S3Client s3 = clients.s3(region);
    requireBucket(s3, region, bucket);
    List<Replica> replicas = new ArrayList<>();
    replicas.add(copyOnce(s3, region, bucket, keyOf(application, version, artifact), artifact,
        expectedDigest));
    for (String suffix : SIGNATURE_SUFFIXES) {
      Path signature = artifact.resolveSibling(artifact.getFileName() + suffix);
      if (Files.isRegularFile(signature)) {
        replicas.add(copyOnce(s3, region, bucket, keyOf(application, version, signature), signature,
            Digests.sha256(signature)));
      }
    }
    for (Replica replica : replicas) {
      verify(s3, replica);
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

  private static Replica copyOnce(S3Client s3, String region, String bucket, String key, Path source,
      String digest) {
    String what = "replicate " + source.getFileName() + " to s3://" + bucket + "/" + key + " in " + region;
    boolean exists;
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      exists = true;
    } catch (AwsServiceException e) {
      if (!AwsErrors.isMissing(e)) {
        throw AwsErrors.translate(what, e);
      }
      exists = false;
    }
    if (!exists) {
      AwsErrors.call(what, () -> s3.putObject(b -> b.bucket(bucket).key(key)
              .metadata(Map.of("gantry-sha256", digest)), RequestBody.fromFile(source)));
    }
    return new Replica(region, bucket, key, digest);
  }

  private static void verify(S3Client s3, Replica replica) {
    String actual;
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(b -> b.bucket(replica.bucket()).key(replica.key()))) {
      actual = sha256(in);
    } catch (AwsServiceException e) {
      throw AwsErrors.translate("read back " + replica.uri() + " in " + replica.region(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("read back " + replica.uri() + ": " + e.getMessage(), e);
    }
    if (!actual.equals(replica.digest())) {
      // The release's digest only, never the replica's: a digest is not ours to reveal.
      throw ApplicationFailure.newNonRetryableFailure("replica " + replica.uri() + " in " + replica.region()
          + " does not have the release's digest (" + replica.digest() + "): refusing to deploy in "
          + replica.region() + " (the copy was changed after it was written; find out by whom, then delete"
          + " it so that the next release copies it again)", Failures.ARTIFACT_DIGEST_MISMATCH);
    }
  }

  private static String sha256(InputStream in) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int read; (read = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, read);
      }
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String code(AwsServiceException e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }
}
