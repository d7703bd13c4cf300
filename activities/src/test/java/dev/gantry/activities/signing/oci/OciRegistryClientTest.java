package dev.gantry.activities.signing.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.activities.support.OciRegistryPeer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The distribution API subset, against go-containerregistry's registry. */
class OciRegistryClientTest {
  private OciRegistryPeer peer;
  private OciRegistryClient registry;

  @BeforeEach
  void startRegistry() {
    peer = OciRegistryPeer.start();
    registry = new OciRegistryClient(peer.url());
  }

  @AfterEach
  void stopRegistry() {
    if (peer != null) { // null when the registry is not installed and the test was skipped
      peer.close();
    }
  }

  @Test
  void aBlobComesBackByItsDigestAndIsUploadedOnlyOnce() {
    byte[] content = "layer bytes".getBytes(StandardCharsets.UTF_8);

    String digest = registry.putBlob("app", content);
    String again = registry.putBlob("app", content);

    assertThat(digest).isEqualTo(OciDigests.sha256(content)).isEqualTo(again);
    assertThat(registry.getBlob("app", digest)).isEqualTo(content);
    assertThat(peer.requests()).filteredOn(r -> r.startsWith("POST /v2/app/blobs/uploads/")).hasSize(1);
    assertThat(peer.requests()).filteredOn(r -> r.startsWith("HEAD /v2/app/blobs/" + digest)).hasSize(2);
  }

  @Test
  void aManifestComesBackByTagAndByDigestWithItsExactBytes() {
    String digest = TestImages.push(registry, "team/app");

    Manifest byTag = registry.getManifest("team/app", "latest").orElseThrow();
    Manifest byDigest = registry.getManifest("team/app", digest).orElseThrow();

    assertThat(byTag.digest()).isEqualTo(digest).isEqualTo(OciDigests.sha256(byTag.bytes()));
    assertThat(byTag.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(byDigest.bytes()).isEqualTo(byTag.bytes());
  }

  @Test
  void anUnknownManifestIsEmptyAndAnUnknownBlobIsAnError() {
    String unknown = "sha256:" + "0".repeat(64);

    assertThat(registry.getManifest("app", "v9")).isEqualTo(Optional.empty());
    assertThat(registry.getManifest("app", unknown)).isEmpty();
    OciRegistryException missing = catchThrowableOfType(OciRegistryException.class,
        () -> registry.getBlob("app", unknown));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing).hasMessageContaining("refused GET blob app@" + unknown + ": 404 BLOB_UNKNOWN");
  }

  @Test
  void aRefusalQuotesTheRegistrysErrorCode() {
    OciRegistryException refused = catchThrowableOfType(OciRegistryException.class,
        () -> registry.putManifest("app", "broken", "application/vnd.oci.image.index.v1+json",
            "not json".getBytes(StandardCharsets.UTF_8)));

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused).hasMessageStartingWith(
        "registry " + peer.host() + " refused PUT manifest for app:broken: 400 MANIFEST_INVALID");
  }

  @Test
  void aRegistryThatIsDownIsNamedByItsUrl() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OciRegistryClient down = new OciRegistryClient(URI.create("http://127.0.0.1:" + closedPort));

    OciRegistryException unreachable = catchThrowableOfType(OciRegistryException.class,
        () -> down.getManifest("app", "latest"));

    assertThat(unreachable.statusCode()).isZero();
    assertThat(unreachable).hasMessageContaining("registry http://127.0.0.1:" + closedPort + " is unreachable")
        .hasMessageContaining("GET manifest for app:latest");
  }
}
