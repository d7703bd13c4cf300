package dev.gantry.activities.signing.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * cosign's "simple signing" payload: what an image signature actually signs. It names the manifest digest
 * and the repository, never a tag, so a moved tag cannot carry a signature to other content.
 */
record SimpleSigningPayload(String dockerReference, String manifestDigest, String type) {
  static final String MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
  static final String COSIGN_TYPE = "cosign container image signature";

  private static final ObjectMapper JSON = new ObjectMapper();

  static SimpleSigningPayload of(ImageName image, String manifestDigest) {
    return new SimpleSigningPayload(image.toString(), OciDigests.requireSha256(manifestDigest), COSIGN_TYPE);
  }

  /** Exactly cosign's bytes: field order as cosign writes them, no whitespace, {@code "optional":null}. */
  byte[] bytes() {
    ObjectNode payload = JSON.createObjectNode();
    ObjectNode critical = payload.putObject("critical");
    critical.putObject("identity").put("docker-reference", dockerReference);
    critical.putObject("image").put("docker-manifest-digest", manifestDigest);
    critical.put("type", type);
    payload.putNull("optional");
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a payload someone signed; refuses anything without the three critical fields. */
  static SimpleSigningPayload parse(byte[] bytes) {
    JsonNode critical;
    try {
      JsonNode root = JSON.readTree(bytes);
      critical = root == null ? null : root.path("critical");
    } catch (IOException e) {
      throw new IllegalArgumentException("payload is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (critical == null || !critical.path("identity").path("docker-reference").isTextual()
        || !critical.path("image").path("docker-manifest-digest").isTextual() || !critical.path("type").isTextual()) {
      throw new IllegalArgumentException("payload lacks critical.identity.docker-reference,"
          + " critical.image.docker-manifest-digest or critical.type");
    }
    return new SimpleSigningPayload(critical.path("identity").path("docker-reference").asText(),
        critical.path("image").path("docker-manifest-digest").asText(), critical.path("type").asText());
  }
}
