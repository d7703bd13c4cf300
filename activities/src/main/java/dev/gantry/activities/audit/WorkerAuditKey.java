package dev.gantry.activities.audit;

import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.Signer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The worker's own audit key: an ECDSA P-256 key (PKCS#8 PEM, or cosign's encrypted format with a password)
 * that signs the audit checkpoints. It is not a release signing key and not in the policy directory: only the
 * worker reads it, and auditors get its public key ({@code .pub} beside it) to verify the trail with.
 */
public final class WorkerAuditKey {
  private WorkerAuditKey() {}

  /**
   * Loads the key; when it does not exist and {@code make} (the demo and dev modes), makes it first with its
   * public key beside it ({@code <key>.pub}, as {@code gantry keys generate} writes it).
   */
  public static Signer load(Path keyFile, char[] password, boolean make) {
    if (!Files.exists(keyFile)) {
      if (!make) {
        throw new IllegalStateException("the worker's audit key " + keyFile + " does not exist: make one with"
            + " `gantry keys generate --key " + keyFile + "` (its public key goes to " + publicKeyFile(keyFile)
            + ") or set gantry.audit.key to the key the platform"
            + " team gave this worker, and give its public key to whoever verifies the audit trail; see"
            + " docs/signing-key-management.md#8-the-worker-audit-key");
      }
      var pair = KeyFiles.generate();
      KeyFiles.writePrivateKeyPem(pair.getPrivate(), keyFile);
      KeyFiles.writePublicKeyPem(pair.getPublic(), publicKeyFile(keyFile));
    }
    return KeyFiles.loadSigner(keyFile, password);
  }

  /** {@code audit-worker.key} -> {@code audit-worker.key.pub}, as {@code gantry keys generate} names it. */
  public static Path publicKeyFile(Path keyFile) {
    return keyFile.resolveSibling(keyFile.getFileName() + ".pub");
  }
}
