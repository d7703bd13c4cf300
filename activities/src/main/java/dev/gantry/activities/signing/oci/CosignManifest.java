package dev.gantry.activities.signing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The manifest cosign keeps at {@code sha256-<hex>.sig} and {@code .att}: an OCI image manifest whose layers
 * are the signatures (or attestations), one per layer, appended as they come, and a config that only lists
 * them. Written field for field as cosign 2.6.1 writes it, so cosign reads ours and we read cosign's.
 */
record CosignManifest(List<Layer> layers) {
  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
  static final CosignManifest EMPTY = new CosignManifest(List.of());

  private static final ObjectMapper JSON = new ObjectMapper();
  // go-containerregistry's zero time: cosign's config and history carry no real timestamps
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  /** One signature or attestation. Annotations are sorted, as Go's JSON writes a map. */
  record Layer(String mediaType, long size, String digest, Map<String, String> annotations) {
    Layer {
      annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
    }

    String annotation(String name) {
      return annotations.get(name);
    }
  }

  CosignManifest {
    layers = List.copyOf(layers);
  }

  /** Reads the layers of a manifest; anything that is not a manifest with well-formed layers is refused. */
  static CosignManifest read(byte[] manifest) {
    JsonNode root;
    try {
      root = JSON.readTree(manifest);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.path("layers").isArray()) {
      throw new IllegalArgumentException("not an image manifest: no \"layers\" array");
    }
    List<Layer> layers = new ArrayList<>();
    for (JsonNode layer : root.path("layers")) {
      String digest = layer.path("digest").asText("");
      if (!layer.path("mediaType").isTextual() || !layer.path("size").canConvertToLong()
          || !digest.matches("sha256:[0-9a-f]{64}")) {
        throw new IllegalArgumentException("layer " + (layers.size() + 1) + " lacks a mediaType, size or sha256 digest");
      }
      SortedMap<String, String> annotations = new TreeMap<>();
      for (Map.Entry<String, JsonNode> annotation : layer.path("annotations").properties()) {
        annotations.put(annotation.getKey(), annotation.getValue().asText());
      }
      layers.add(new Layer(layer.path("mediaType").asText(), layer.path("size").asLong(), digest, annotations));
    }
    return new CosignManifest(layers);
  }

  CosignManifest plus(Layer layer) {
    List<Layer> more = new ArrayList<>(layers);
    more.add(layer);
    return new CosignManifest(more);
  }

  /** The config blob: the layers' digests as diff ids (cosign's layers are not compressed), no timestamps. */
  byte[] config() {
    ObjectNode config = JSON.createObjectNode();
    config.put("architecture", "");
    config.put("created", ZERO_TIME);
    ArrayNode history = config.putArray("history");
    layers.forEach(layer -> history.addObject().put("created", ZERO_TIME));
    config.put("os", "");
    ObjectNode rootfs = config.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(layer -> diffIds.add(layer.digest()));
    config.putObject("config");
    return bytes(config);
  }

  byte[] manifest(String configDigest, long configSize) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", OCI_MANIFEST);
    ObjectNode config = manifest.putObject("config");
    config.put("mediaType", OCI_CONFIG);
    config.put("size", configSize);
    config.put("digest", configDigest);
    ArrayNode layerNodes = manifest.putArray("layers");
    for (Layer layer : layers) {
      ObjectNode node = layerNodes.addObject();
      node.put("mediaType", layer.mediaType());
      node.put("size", layer.size());
      node.put("digest", layer.digest());
      ObjectNode annotations = node.putObject("annotations");
      layer.annotations().forEach(annotations::put);
    }
    return bytes(manifest);
  }

  /** Pushes the config blob and this manifest at {@code tag}; the layers' blobs must already be there. */
  String push(OciRegistryClient registry, String repo, String tag) {
    byte[] config = config();
    String configDigest = registry.putBlob(repo, config);
    return registry.putManifest(repo, tag, OCI_MANIFEST, manifest(configDigest, config.length));
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
