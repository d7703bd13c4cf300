package dev.gantry.activities.local;

import dev.gantry.workflows.api.artifact.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/** Content digests in the {@code sha256:<hex>} form used across Gantry (and by OCI and cosign). */
public final class Digests {
  private Digests() {}

  public static String sha256(byte[] content) {
    return Sha256.tagged(content);
  }

  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return sha256(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The digest of what is left in the stream, read to its end (the caller closes it). */
  public static String sha256(InputStream in) throws IOException {
    MessageDigest digest = Sha256.newDigest();
    byte[] buffer = new byte[1 << 20];
    for (int read; (read = in.read(buffer)) > 0; ) {
      digest.update(buffer, 0, read);
    }
    return Sha256.tagged(digest);
  }
}
