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
}
