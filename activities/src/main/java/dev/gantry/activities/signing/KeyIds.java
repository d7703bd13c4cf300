package dev.gantry.activities.signing;

import dev.gantry.workflows.api.artifact.Sha256;
import java.security.PublicKey;
import java.util.Base64;

/** Key ids as cosign writes them in a bundle's {@code verificationMaterial.publicKey.hint}. */
public final class KeyIds {
  private KeyIds() {}

  public static String of(PublicKey key) {
    return Base64.getEncoder().encodeToString(Sha256.bytes(key.getEncoded()));
  }
}
