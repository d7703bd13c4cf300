package dev.gantry.activities.signing;

import java.util.Base64;
import java.util.HexFormat;

/**
 * A key-based signature over an artifact's bytes.
 *
 * @param digest the artifact's {@code sha256:<hex>}
 * @param keyId the signing key's cosign hint
 * @param signatureBase64 base64 of the DER ECDSA signature, the content of cosign's {@code .sig}
 * @param bundleJson the Sigstore bundle v0.3 cosign writes with {@code sign-blob --new-bundle-format}
 */
public record BlobSignature(String digest, String keyId, String signatureBase64, String bundleJson) {

  /** Reads a signature back from its bundle, e.g. one a {@link SignatureStore} kept. */
  public static BlobSignature fromBundle(String bundleJson) {
    var bundle = BundleJson.parseKeyBased(bundleJson);
    var signed = bundle.getMessageSignature();
    return new BlobSignature(
        "sha256:" + HexFormat.of().formatHex(signed.getMessageDigest().getDigest().toByteArray()),
        bundle.getVerificationMaterial().getPublicKey().getHint(),
        Base64.getEncoder().encodeToString(signed.getSignature().toByteArray()),
        bundleJson);
  }
}
