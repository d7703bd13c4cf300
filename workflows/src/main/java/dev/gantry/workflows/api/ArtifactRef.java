package dev.gantry.workflows.api;

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

  public static ArtifactRef file(String path, String digest) {
    return new ArtifactRef(FILE, path, digest);
  }

  public boolean isFile() {
    return FILE.equals(kind);
  }
}
