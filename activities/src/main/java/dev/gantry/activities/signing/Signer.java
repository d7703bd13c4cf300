package dev.gantry.activities.signing;

import java.security.PublicKey;

/**
 * Something that signs with one ECDSA P-256 key: a key in memory (read from a PEM or a cosign key file)
 * or a key that never leaves AWS KMS. Implementations never expose private key material.
 */
public interface Signer {

  /** cosign's key hint: base64 of SHA-256 over the public key's SPKI DER. */
  String keyId();

  PublicKey publicKey();

  /** ASN.1 DER ECDSA signature over SHA-256 of {@code message}. */
  byte[] sign(byte[] message);

  /**
   * The same signature as {@link #sign(byte[])} for a message whose SHA-256 the caller already computed:
   * {@code signDigest(sha256(m))} verifies exactly like {@code sign(m)} (ECDSA signs the hash, so
   * "SHA256withECDSA over m" is "NONEwithECDSA over SHA-256(m)"). It lets a 1 GiB artifact be hashed
   * while streaming and signed in constant memory. A KMS key signs it with {@code MessageType.DIGEST}.
   *
   * @param sha256 the 32-byte SHA-256 of the message
   * @return ASN.1 DER ECDSA signature
   */
  byte[] signDigest(byte[] sha256);
}
