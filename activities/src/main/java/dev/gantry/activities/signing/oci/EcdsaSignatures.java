package dev.gantry.activities.signing.oci;

import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Base64;

/** Checks cosign's signatures: ASN.1 DER ECDSA over SHA-256 of the payload. */
final class EcdsaSignatures {
  enum Outcome { VALID, INVALID, NOT_DER }

  private EcdsaSignatures() {}

  static Outcome check(PublicKey key, byte[] message, byte[] derSignature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(key);
      verifier.update(message);
      return verifier.verify(derSignature) ? Outcome.VALID : Outcome.INVALID;
    } catch (InvalidKeyException notAnEcKey) {
      return Outcome.INVALID;
    } catch (SignatureException e) {
      // the JDK throws rather than answering false when the bytes are not a DER SEQUENCE of two INTEGERs
      return Outcome.NOT_DER;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA256withECDSA is missing from this JVM", e);
    }
  }

  /** True only for a well-formed base64 DER signature that verifies with {@code key}. */
  static boolean verifies(PublicKey key, byte[] message, String base64Signature) {
    if (base64Signature == null || base64Signature.isBlank()) {
      return false;
    }
    try {
      return check(key, message, Base64.getDecoder().decode(base64Signature)) == Outcome.VALID;
    } catch (IllegalArgumentException notBase64) {
      return false;
    }
  }
}
