package dev.gantry.activities.signing.oci;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.activities.signing.SignatureRejected;
import dev.gantry.activities.signing.SignatureRejected.Reason;
import dev.gantry.activities.support.OciRegistryPeer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What ImageSignatures decides and pushes, against a real registry (cosign interop is in ImageSignaturesCosignTest). */
class ImageSignaturesTest {
  private static final String SLSA = "https://slsa.dev/provenance/v1";
  private static final String SPDX = "https://spdx.dev/Document";

  private OciRegistryPeer peer;
  private OciRegistryClient registry;
  private String image;
  private String digest;
  private final LocalKeySigner signer = TestKeys.newSigner();

  @BeforeEach
  void pushImage() {
    peer = OciRegistryPeer.start();
    registry = new OciRegistryClient(peer.url());
    image = peer.host() + "/app";
    digest = TestImages.push(registry, "app");
  }

  @AfterEach
  void stopRegistry() {
    if (peer != null) { // null when the registry is not installed and the test was skipped
      peer.close();
    }
  }

  private SignatureRejected rejection(Map<String, PublicKey> trusted) {
    return catchThrowableOfType(SignatureRejected.class, () -> ImageSignatures.verify(registry, image, digest, trusted));
  }

  private long manifestPuts(String tag) {
    return peer.requests().stream().filter(r -> r.startsWith("PUT /v2/app/manifests/" + tag)).count();
  }

  @Test
  void aSignatureVerifiesWithItsKeyAndNamesIt() {
    ImageSignatureRef ref = ImageSignatures.sign(registry, image, digest, signer);

    VerifiedImageSignature verified = ImageSignatures.verify(registry, image, digest,
        Map.of("other", TestKeys.newSigner().publicKey(), "release-key", signer.publicKey()));

    assertThat(ref.pushed()).isTrue();
    assertThat(ref.taggedReference()).isEqualTo(image + ":sha256-" + digest.substring(7) + ".sig");
    assertThat(verified).isEqualTo(new VerifiedImageSignature(image, digest, "release-key", ref.layerDigest()));
  }

  @Test
  void signingTwiceLeavesOneLayerAndPushesNothingTheSecondTime() {
    ImageSignatureRef first = ImageSignatures.sign(registry, image, digest, signer);
    long putsAfterFirst = manifestPuts(first.tag());

    ImageSignatureRef retry = ImageSignatures.sign(registry, image, digest, signer);

    assertThat(retry.pushed()).isFalse();
    assertThat(retry.manifestDigest()).isEqualTo(first.manifestDigest());
    assertThat(manifestPuts(first.tag())).isEqualTo(putsAfterFirst).isEqualTo(1);
    assertThat(CosignManifest.read(registry.getManifest("app", first.tag()).orElseThrow().bytes()).layers()).hasSize(1);
  }

  @Test
  void aSecondSignerAddsALayerAndEachVerifiesAlone() {
    LocalKeySigner second = TestKeys.newSigner();
    ImageSignatures.sign(registry, image, digest, signer);

    ImageSignatureRef ref = ImageSignatures.sign(registry, image, digest, second);

    assertThat(CosignManifest.read(registry.getManifest("app", ref.tag()).orElseThrow().bytes()).layers()).hasSize(2);
    assertThat(ImageSignatures.verify(registry, image, digest, Map.of("second", second.publicKey())).keyId())
        .isEqualTo("second");
    assertThat(ImageSignatures.verify(registry, image, digest, Map.of("first", signer.publicKey())).keyId())
        .isEqualTo("first");
  }

  @Test
  void anUnsignedImageIsMissingItsSignature() {
    SignatureRejected rejected = rejection(Map.of("k", signer.publicKey()));

    assertThat(rejected.reason()).isEqualTo(Reason.MISSING);
    assertThat(rejected).hasMessageContaining(image + "@" + digest + " is not signed")
        .hasMessageContaining("sha256-" + digest.substring(7) + ".sig");
  }

  @Test
  void aSignatureByAKeyWeDoNotTrustIsAnUnknownKey() {
    ImageSignatures.sign(registry, image, digest, TestKeys.newSigner());

    SignatureRejected rejected = rejection(Map.of("release-key", signer.publicKey()));

    assertThat(rejected.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(rejected).hasMessageContaining("expected one of the trusted keys [release-key]");
  }

  @Test
  void aSignatureOverOtherBytesIsInvalid() {
    // our layer, with a signature by the trusted key over something else: a damaged or swapped signature
    byte[] payload = SimpleSigningPayload.of(ImageName.parse(image), digest).bytes();
    pushSignatureLayer(payload, signer.sign("something else".getBytes(StandardCharsets.UTF_8)), signer.keyId());

    SignatureRejected rejected = rejection(Map.of("release-key", signer.publicKey()));

    assertThat(rejected.reason()).isEqualTo(Reason.SIGNATURE_INVALID);
    assertThat(rejected).hasMessageContaining("names trusted key release-key but its signature does not verify");
  }

  @Test
  void aSignatureForAnotherDigestIsASubjectMismatch() {
    String other = TestImages.push(registry, "app");
    pushSignatureLayer(SimpleSigningPayload.of(ImageName.parse(image), other).bytes(), null, signer.keyId());

    SignatureRejected rejected = rejection(Map.of("release-key", signer.publicKey()));

    assertThat(rejected.reason()).isEqualTo(Reason.SUBJECT_DIGEST_MISMATCH);
    assertThat(rejected).hasMessageContaining("for digest " + other + ", expected " + digest);
  }

  @Test
  void aSignatureForAnotherRepositoryIsASubjectMismatch() {
    pushSignatureLayer(SimpleSigningPayload.of(ImageName.parse(peer.host() + "/other"), digest).bytes(), null,
        signer.keyId());

    SignatureRejected rejected = rejection(Map.of("release-key", signer.publicKey()));

    assertThat(rejected.reason()).isEqualTo(Reason.SUBJECT_DIGEST_MISMATCH);
    assertThat(rejected).hasMessageContaining("for repository " + peer.host() + "/other, expected " + image);
  }

  @Test
  void garbageIsMalformed() {
    String tag = OciDigests.cosignTag(digest, "sig");
    registry.putManifest("app", tag, CosignManifest.OCI_MANIFEST, "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8));
    assertThat(rejection(Map.of("k", signer.publicKey())).reason()).isEqualTo(Reason.MALFORMED);

    byte[] payload = SimpleSigningPayload.of(ImageName.parse(image), digest).bytes();
    registry.putBlob("app", payload);
    CosignManifest notBase64 = CosignManifest.EMPTY.plus(new CosignManifest.Layer(SimpleSigningPayload.MEDIA_TYPE,
        payload.length, OciDigests.sha256(payload), Map.of(ImageSignatures.SIGNATURE_ANNOTATION, "not base64!")));
    notBase64.push(registry, "app", tag);
    SignatureRejected rejected = rejection(Map.of("k", signer.publicKey()));
    assertThat(rejected.reason()).isEqualTo(Reason.MALFORMED);
    assertThat(rejected).hasMessageContaining("is not base64");
  }

  @Test
  void theClosestLayerGivesTheReason() {
    // one layer for another digest, one by an untrusted key for this one: the untrusted key is the news
    pushSignatureLayer(SimpleSigningPayload.of(ImageName.parse(image), TestImages.push(registry, "app")).bytes(),
        null, signer.keyId());
    ImageSignatures.sign(registry, image, digest, TestKeys.newSigner());

    SignatureRejected rejected = rejection(Map.of("release-key", signer.publicKey()));

    assertThat(rejected.reason()).isEqualTo(Reason.UNKNOWN_KEY);
    assertThat(rejected).hasMessageContaining("among the 2 layer(s)").hasMessageContaining("layer 1")
        .hasMessageContaining("layer 2");
  }

  @Test
  void signingAnImageTheRegistryDoesNotHaveIsRefusedNamingIt() {
    String unknown = "sha256:" + "ab".repeat(32);

    assertThatThrownBy(() -> ImageSignatures.sign(registry, image, unknown, signer))
        .isInstanceOf(OciRegistryException.class)
        .hasMessageContaining("image " + image + "@" + unknown + " is not in registry " + peer.url());
    assertThat(peer.requests()).noneMatch(r -> r.startsWith("PUT /v2/app/manifests/sha256-"));
  }

  @Test
  void aTagIsNeverSigned() {
    assertThatThrownBy(() -> ImageSignatures.sign(registry, image + ":latest", digest, signer))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sign by digest, not by tag");
    assertThatThrownBy(() -> ImageSignatures.sign(registry, image, "latest", signer))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sha256:<64 lowercase hex>");
  }

  @Test
  void aRegistryThatIsDownIsNamedByItsUrl() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    OciRegistryClient down = new OciRegistryClient(URI.create("http://127.0.0.1:" + closedPort));

    assertThatThrownBy(() -> ImageSignatures.verify(down, image, digest, Map.of("k", signer.publicKey())))
        .isInstanceOf(OciRegistryException.class)
        .hasMessageContaining("registry http://127.0.0.1:" + closedPort + " is unreachable");
  }

  @Test
  void attachingTwiceLeavesOneLayerAndEnvelopesAreFoundByPredicateType() {
    String provenance = TestDsse.envelope(signer, TestDsse.statement(image, digest, SLSA, "{}"));
    String sbom = TestDsse.envelope(signer, TestDsse.statement(image, digest, SPDX, "{\"spdxVersion\":\"SPDX-2.3\"}"));

    ImageSignatureRef first = ImageSignatures.attach(registry, image, digest, provenance, SLSA);
    ImageSignatureRef retry = ImageSignatures.attach(registry, image, digest, provenance, SLSA);
    ImageSignatures.attach(registry, image, digest, sbom, SPDX);

    assertThat(first.tag()).isEqualTo("sha256-" + digest.substring(7) + ".att");
    assertThat(retry.pushed()).isFalse();
    assertThat(retry.layerDigest()).isEqualTo(first.layerDigest());
    assertThat(CosignManifest.read(registry.getManifest("app", first.tag()).orElseThrow().bytes()).layers()).hasSize(2);
    assertThat(ImageSignatures.attestationEnvelopes(registry, image, digest, SLSA)).containsExactly(provenance);
    assertThat(ImageSignatures.attestationEnvelopes(registry, image, digest, SPDX)).containsExactly(sbom);
    assertThat(ImageSignatures.attestationEnvelopes(registry, image, TestImages.push(registry, "app"), SLSA)).isEmpty();
  }

  @Test
  void theSameStatementSignedAgainIsANewAttestation() {
    String statement = TestDsse.statement(image, digest, SLSA, "{}");
    ImageSignatures.attach(registry, image, digest, TestDsse.envelope(signer, statement), SLSA);

    ImageSignatureRef again = ImageSignatures.attach(registry, image, digest, TestDsse.envelope(signer, statement), SLSA);

    assertThat(again.pushed()).isTrue();
    assertThat(ImageSignatures.attestationEnvelopes(registry, image, digest, SLSA)).hasSize(2);
  }

  /** A signature layer made by hand; {@code signature} null means a valid one by {@code signer}. */
  private void pushSignatureLayer(byte[] payload, byte[] signature, String keyIdHint) {
    byte[] sig = signature != null ? signature : signer.sign(payload);
    registry.putBlob("app", payload);
    String tag = OciDigests.cosignTag(digest, "sig");
    CosignManifest current = registry.getManifest("app", tag).map(m -> CosignManifest.read(m.bytes()))
        .orElse(CosignManifest.EMPTY);
    current.plus(new CosignManifest.Layer(SimpleSigningPayload.MEDIA_TYPE, payload.length, OciDigests.sha256(payload),
        Map.of(ImageSignatures.SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(sig),
            ImageSignatures.KEY_ID_ANNOTATION, keyIdHint))).push(registry, "app", tag);
  }
}
