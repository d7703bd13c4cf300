package dev.gantry.workflows.api.artifact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The artifact a release ships, bound to its content digest at start so that every later step deploys
 * exactly these bytes.
 *
 * @param kind     {@code file} or {@code image}
 * @param location absolute file path, or image repository (without tag or digest)
 * @param digest   {@code sha256:<64 hex>}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArtifactRef(String kind, String location, String digest) {
  public static final String FILE = "file";
  public static final String IMAGE = "image";

  private static final java.util.regex.Pattern IMAGE_BY_DIGEST =
      java.util.regex.Pattern.compile("([^@\\s]+)@(sha256:[0-9a-f]{64})");

  /** {@code repository@sha256:<64 hex>} as an image artifact; empty for a tag or anything else. */
  public static java.util.Optional<ArtifactRef> imageByDigest(String reference) {
    var matcher = IMAGE_BY_DIGEST.matcher(reference == null ? "" : reference);
    return matcher.matches()
        ? java.util.Optional.of(new ArtifactRef(IMAGE, matcher.group(1), matcher.group(2)))
        : java.util.Optional.empty();
  }

  public static ArtifactRef file(String path, String digest) {
    return new ArtifactRef(FILE, path, digest);
  }

  public boolean isFile() {
    return FILE.equals(kind);
  }
}
