package dev.gantry.activities.signing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The example's signing key, made on first use: the repository holds no private key. Unencrypted, for a
 * laptop demo only; real keys come from {@code gantry keys generate --password-env} or KMS.
 */
public final class DemoKeys {
  private DemoKeys() {}

  /** Makes {@code keys/release.key} and {@code keys/trusted-keys.yaml} next to the spec unless both exist. */
  public static boolean ensure(Path specDirectory) {
    Path key = specDirectory.resolve("keys/release.key");
    Path trustedKeys = specDirectory.resolve("keys/trusted-keys.yaml");
    if (Files.isRegularFile(key) && Files.isRegularFile(trustedKeys)) {
      return false;
    }
    var pair = KeyFiles.generate();
    KeyFiles.writePrivateKeyPem(pair.getPrivate(), key);
    KeyFiles.writePublicKeyPem(pair.getPublic(), specDirectory.resolve("keys/release.pub"));
    TrustedKeys trusted = TrustedKeys.empty();
    trusted.add("demo (made by ./gantry demo; never trust in production)", pair.getPublic(), Instant.now(), null);
    trusted.save(trustedKeys);
    return true;
  }
}
