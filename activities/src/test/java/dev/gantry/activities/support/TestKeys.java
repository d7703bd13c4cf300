package dev.gantry.activities.support;

import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.LocalKeySigner;
import java.nio.file.Path;
import java.security.PublicKey;

/** P-256 keys for tests, and public keys as the PEM SPKI files ({@code cosign.pub}) cosign reads and writes. */
public final class TestKeys {
  private TestKeys() {}

  public static LocalKeySigner newSigner() {
    return new LocalKeySigner(KeyFiles.generate());
  }

  public static Path writePublicPem(PublicKey key, Path file) {
    KeyFiles.writePublicKeyPem(key, file);
    return file;
  }

  public static PublicKey readPublicPem(Path file) {
    return KeyFiles.readPublicKey(file);
  }
}
