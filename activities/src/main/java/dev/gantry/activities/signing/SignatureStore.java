package dev.gantry.activities.signing;

import dev.gantry.workflows.api.artifact.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Makes signing idempotent across activity retries: one signature per (artifact digest, key, kind), kept
 * as JSON in a directory. A retried sign returns the stored signature instead of making a second one
 * (ECDSA signatures are randomized, so two signatures of the same artifact differ).
 */
public final class SignatureStore {
  private final Path dir;

  public SignatureStore(Path dir) {
    this.dir = dir;
  }

  /**
   * The stored JSON for this (digest, keyId, kind), or the result of {@code create}, stored first. When
   * writers race, exactly one value is stored and every caller gets that one.
   *
   * @param digest the artifact's {@code sha256:<hex>}
   * @param kind {@code "blob"} for a blob signature, or an attestation's predicate type
   */
  public String getOrCreate(String digest, String keyId, String kind, Supplier<String> create) {
    Path target = dir.resolve(fileName(digest, keyId, kind));
    try {
      if (Files.exists(target)) {
        return Files.readString(target, StandardCharsets.UTF_8);
      }
      Files.createDirectories(dir);
      String created = create.get();
      Path temp = Files.createTempFile(dir, ".sig-", ".tmp");
      try {
        Files.writeString(temp, created, StandardCharsets.UTF_8);
        // A hard link is created only if the name is free, atomically. ATOMIC_MOVE is no substitute:
        // on Linux it is rename(2), which silently replaces a file another writer published meanwhile.
        Files.createLink(target, temp);
        return created;
      } catch (FileAlreadyExistsException raceLost) {
        return Files.readString(target, StandardCharsets.UTF_8);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("signature store " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Key ids hold {@code /} and {@code +} and kinds are URIs: the name is the SHA-256 of the three parts,
   * which is safe on every file system and fixed in length.
   */
  static String fileName(String digest, String keyId, String kind) {
    MessageDigest sha256 = Sha256.newDigest();
    for (String part : new String[] {digest, keyId, kind}) {
      sha256.update(part.getBytes(StandardCharsets.UTF_8));
      sha256.update((byte) 0); // separator: ("ab","c") and ("a","bc") name different files
    }
    return Sha256.hex(sha256) + ".json";
  }
}
