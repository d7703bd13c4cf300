package dev.gantry.activities.signing;

/**
 * A signature, bundle or attestation that does not prove what it must. The message says exactly what
 * did not match (expected vs found) and never contains key material.
 */
public final class SignatureRejected extends RuntimeException {

  public enum Reason {
    /** No signature or attestation where the policy requires one. */
    MISSING,
    /** Not a bundle, not JSON, truncated, or a field of the wrong shape. */
    MALFORMED,
    /** The artifact's bytes do not hash to the digest that was signed. */
    ARTIFACT_DIGEST_MISMATCH,
    /** The signature does not verify with the key it names (or with any trusted key). */
    SIGNATURE_INVALID,
    /** Signed by a key that is not in the trusted keys. */
    UNKNOWN_KEY,
    /** Signed by a key that was revoked. */
    KEY_REVOKED,
    /** Signed by a key outside its validity period. */
    KEY_NOT_VALID_AT_SIGNING_TIME,
    /** An attestation whose subject digest is not the artifact's. */
    SUBJECT_DIGEST_MISMATCH,
    /** A required predicate type has no attestation. */
    PREDICATE_TYPE_MISSING,
    /** Older than the policy's maximum signature age. */
    SIGNATURE_TOO_OLD,
    /** A certificate that does not chain to a trusted root, or an identity that is not trusted. */
    UNTRUSTED_IDENTITY,
    /** A signing time after now (beyond a few minutes of clock skew). */
    SIGNED_IN_THE_FUTURE,
    /** A provenance that is not the one the release signed (another invocation, time or key). */
    PROVENANCE_NOT_OF_THIS_RELEASE,
    /** A trusted keys file older than one this worker used, or one that un-revokes a key it saw revoked. */
    TRUSTED_KEYS_ROLLED_BACK
  }

  private final Reason reason;

  public SignatureRejected(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public SignatureRejected(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
