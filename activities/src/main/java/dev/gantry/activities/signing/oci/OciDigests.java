package dev.gantry.activities.signing.oci;

import dev.gantry.workflows.api.artifact.Sha256;
import java.util.regex.Pattern;

/** OCI content digests ({@code sha256:<hex>}) and the tags cosign derives from them. */
final class OciDigests {
  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private OciDigests() {}

  static String sha256(byte[] content) {
    return Sha256.tagged(content);
  }

  static boolean isDigest(String reference) {
    return reference != null && reference.startsWith("sha256:");
  }

  /** Refuses anything but a lowercase sha256 digest: we sign digests, never tags. */
  static String requireSha256(String digest) {
    if (digest == null || !SHA256.matcher(digest).matches()) {
      throw new IllegalArgumentException("expected a manifest digest sha256:<64 lowercase hex>, got " + digest);
    }
    return digest;
  }

  /** cosign's tag for things about a manifest: {@code sha256:<hex>} becomes {@code sha256-<hex>.<suffix>}. */
  static String cosignTag(String manifestDigest, String suffix) {
    return requireSha256(manifestDigest).replace(':', '-') + "." + suffix;
  }
}
