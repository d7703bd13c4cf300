package dev.gantry.workflows.api.artifact;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 for every module: raw, lowercase hex, and the {@code sha256:<hex>} form Gantry, OCI and cosign use
 * for content digests. Pure computation (no I/O), so workflow code may use it too; callers that stream a file
 * feed {@link #newDigest()} themselves and finish with {@link #tagged(MessageDigest)} or {@link #hex(MessageDigest)}.
 */
public final class Sha256 {
  /** The prefix of a content digest: {@code sha256:<64 lowercase hex>}. */
  public static final String PREFIX = "sha256:";

  private Sha256() {}

  /** A fresh SHA-256 digest to feed; every JVM has one. */
  public static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The 32 bytes of the SHA-256 of the data. */
  public static byte[] bytes(byte[] data) {
    return newDigest().digest(data);
  }

  /** Lowercase hex of the SHA-256 of the data. */
  public static String hex(byte[] data) {
    return HexFormat.of().formatHex(bytes(data));
  }

  /** Lowercase hex of the SHA-256 of the text's UTF-8 bytes. */
  public static String hex(String text) {
    return hex(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Lowercase hex of what the digest was fed (it is reset). */
  public static String hex(MessageDigest fed) {
    return HexFormat.of().formatHex(fed.digest());
  }

  /** {@code sha256:<hex>} of the data. */
  public static String tagged(byte[] data) {
    return PREFIX + hex(data);
  }

  /** {@code sha256:<hex>} of what the digest was fed (it is reset). */
  public static String tagged(MessageDigest fed) {
    return PREFIX + hex(fed);
  }
}
