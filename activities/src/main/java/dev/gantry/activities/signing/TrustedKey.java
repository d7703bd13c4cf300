package dev.gantry.activities.signing;

import java.security.PublicKey;
import java.time.Instant;

/**
 * One key the verification gate trusts, for signatures made in {@code [notBefore, notAfter)}; a revoked
 * key is trusted for nothing, whatever the signing time.
 *
 * @param id cosign's key hint ({@link KeyIds#of})
 * @param publicKeyPem the key as in {@code cosign.pub}
 * @param notAfter null when open-ended
 * @param revokedAt null unless revoked
 */
public record TrustedKey(String id, String name, String publicKeyPem, Instant notBefore, Instant notAfter,
    Instant revokedAt, String revokedReason) {

  public PublicKey publicKey() {
    return KeyFiles.parsePublicKeyPem(publicKeyPem);
  }

  public boolean revoked() {
    return revokedAt != null;
  }

  /** Inside the validity window (revocation not considered). */
  public boolean inWindow(Instant at) {
    return !at.isBefore(notBefore) && (notAfter == null || at.isBefore(notAfter));
  }

  TrustedKey withNotAfter(Instant newNotAfter) {
    return new TrustedKey(id, name, publicKeyPem, notBefore, newNotAfter, revokedAt, revokedReason);
  }

  TrustedKey withRevocation(Instant at, String reason) {
    return new TrustedKey(id, name, publicKeyPem, notBefore, notAfter, at, reason);
  }

  /** "release-2026 (id ...)", for messages. */
  String describe() {
    return "'" + name + "' (" + id + ")";
  }
}
