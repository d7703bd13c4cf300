package dev.gantry.activities.signing;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;

/** Key ids as cosign writes them in a bundle's {@code verificationMaterial.publicKey.hint}. */
public final class KeyIds {
  private KeyIds() {}

  public static String of(PublicKey key) {
    try {
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
