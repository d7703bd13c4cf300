package dev.gantry.activities.signing;

import com.google.protobuf.ByteString;
import dev.gantry.activities.local.Digests;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.common.v1.MessageSignature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs artifacts the way {@code cosign sign-blob --key} does, so {@code cosign verify-blob} accepts them.
 * The artifact is read once, whatever its size: its SHA-256 is computed while streaming and the digest is
 * signed ({@link Signer#signDigest}).
 */
public final class BlobSigning {
  private BlobSigning() {}

  public static BlobSignature sign(Path artifact, Signer signer) {
    String digest = Digests.sha256(artifact);
    byte[] sha256 = HexFormat.of().parseHex(digest.substring("sha256:".length()));
    byte[] signature = signer.signDigest(sha256);
    String bundleJson = BundleJson.print(BundleJson.withKeyHint(signer.keyId())
        .setMessageSignature(MessageSignature.newBuilder()
            .setMessageDigest(HashOutput.newBuilder()
                .setAlgorithm(HashAlgorithm.SHA2_256)
                .setDigest(ByteString.copyFrom(sha256)))
            .setSignature(ByteString.copyFrom(signature)))
        .build());
    return new BlobSignature(digest, signer.keyId(), Base64.getEncoder().encodeToString(signature), bundleJson);
  }

  /**
   * Writes {@code <artifact>.sig} and {@code <artifact>.sigstore.json} next to the artifact (the names
   * cosign and GitHub's tooling look for).
   */
  public static void write(BlobSignature signature, Path artifact) {
    try {
      Files.writeString(sibling(artifact, ".sig"), signature.signatureBase64(), StandardCharsets.US_ASCII);
      Files.writeString(sibling(artifact, ".sigstore.json"), signature.bundleJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the signature of " + artifact + ": " + e.getMessage(), e);
    }
  }

  static Path sibling(Path artifact, String suffix) {
    return artifact.resolveSibling(artifact.getFileName() + suffix);
  }
}
