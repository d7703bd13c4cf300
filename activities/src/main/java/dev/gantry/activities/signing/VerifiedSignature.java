package dev.gantry.activities.signing;

/**
 * An artifact signature that verified cryptographically. Policy (revocation, validity, age) is checked
 * afterwards against {@link #keyId()}.
 *
 * @param keyId the cosign hint of the key that verified it
 * @param digest the artifact's {@code sha256:<hex>}
 */
public record VerifiedSignature(String keyId, String digest) {}
