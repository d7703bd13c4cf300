package dev.gantry.activities.signing.oci;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A tiny image (config, one layer, OCI manifest) pushed with our own client; unique per call. */
final class TestImages {
  private TestImages() {}

  /** Pushes a new image to {@code repo} at tag {@code latest}; returns its manifest digest. */
  static String push(OciRegistryClient registry, String repo) {
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    byte[] layer = ("hello " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
    String configDigest = registry.putBlob(repo, config);
    String layerDigest = registry.putBlob(repo, layer);
    String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},"
        + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + layerDigest
        + "\",\"size\":" + layer.length + "}]}";
    return registry.putManifest(repo, "latest", "application/vnd.oci.image.manifest.v1+json",
        manifest.getBytes(StandardCharsets.UTF_8));
  }
}
