package dev.gantry.activities.signing.oci;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.activities.signing.SignatureRejected;
import dev.gantry.activities.support.OciRegistryPeer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our image signatures and attestations against real cosign 2.6.1, both ways, on a plain-HTTP loopback
 * registry (cosign talks plain HTTP to 127.0.0.1 without any flag) and without a transparency log.
 */
class ImageSignaturesCosignTest {
  private static final String SLSA = "https://slsa.dev/provenance/v1";

  @TempDir Path dir;
  private OciRegistryPeer peer;
  private OciRegistryClient registry;
  private CosignCli cosign;
  private String image;
  private String digest;

  @BeforeEach
  void pushImage() {
    cosign = new CosignCli(dir);
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

  private CosignCli.Result cosignVerify(Path publicKey, String digest) {
    return cosign.run("verify", "--key", publicKey.toString(), "--insecure-ignore-tlog=true", image + "@" + digest);
  }

  @Test
  void cosignVerifiesOurSignature() {
    LocalKeySigner signer = TestKeys.newSigner();
    ImageSignatures.sign(registry, image, digest, signer);

    CosignCli.Result verified = cosignVerify(TestKeys.writePublicPem(signer.publicKey(), dir.resolve("cosign.pub")), digest);

    assertThat(verified.exitCode()).as(verified.output()).isZero();
    assertThat(verified.output()).contains("\"docker-manifest-digest\":\"" + digest + "\"")
        .contains("The signatures were verified against the specified public key");
  }

  @Test
  void cosignRejectsOurSignatureByAnotherKey() {
    ImageSignatures.sign(registry, image, digest, TestKeys.newSigner());
    Path trusted = TestKeys.writePublicPem(TestKeys.newSigner().publicKey(), dir.resolve("cosign.pub"));

    CosignCli.Result verified = cosignVerify(trusted, digest);

    assertThat(verified.exitCode()).as(verified.output()).isNotZero();
    assertThat(verified.output()).contains("no matching signatures");
  }

  @Test
  void cosignRejectsASignatureCopiedFromAnotherImage() {
    LocalKeySigner signer = TestKeys.newSigner();
    String other = TestImages.push(registry, "app");
    ImageSignatureRef otherSignature = ImageSignatures.sign(registry, image, other, signer);
    copySignatureManifest(otherSignature, digest);

    CosignCli.Result verified = cosignVerify(TestKeys.writePublicPem(signer.publicKey(), dir.resolve("cosign.pub")), digest);

    assertThat(verified.exitCode()).as(verified.output()).isNotZero();
    SignatureRejected ours = catchThrowableOfType(SignatureRejected.class,
        () -> ImageSignatures.verify(registry, image, digest, Map.of("k", signer.publicKey())));
    assertThat(ours.reason()).isEqualTo(SignatureRejected.Reason.SUBJECT_DIGEST_MISMATCH);
  }

  @Test
  void weVerifyCosignsSignatureAndWriteItsManifestByteForByte() {
    generateCosignKeyPair();
    CosignCli.Result signed = cosign.run("sign", "--key", "cosign.key", "--tlog-upload=false", "--yes",
        image + "@" + digest);
    assertThat(signed.exitCode()).as(signed.output()).isZero();
    PublicKey cosignKey = TestKeys.readPublicPem(dir.resolve("cosign.pub"));

    VerifiedImageSignature verified = ImageSignatures.verify(registry, image, digest, Map.of("cosign", cosignKey));

    assertThat(verified.keyId()).isEqualTo("cosign");
    // cosign's payload is exactly ours, and its manifest and config are what we would write for its layer
    Manifest sig = registry.getManifest("app", OciDigests.cosignTag(digest, "sig")).orElseThrow();
    CosignManifest cosigns = CosignManifest.read(sig.bytes());
    assertThat(cosigns.layers()).singleElement().extracting(CosignManifest.Layer::digest)
        .isEqualTo(OciDigests.sha256(SimpleSigningPayload.of(ImageName.parse(image), digest).bytes()));
    assertThatWeWriteTheSameManifest(sig);
    // a key cosign does not name is a signature that verifies with no trusted key
    SignatureRejected untrusted = catchThrowableOfType(SignatureRejected.class, () -> ImageSignatures.verify(
        registry, image, digest, Map.of("ours", TestKeys.newSigner().publicKey())));
    assertThat(untrusted.reason()).isEqualTo(SignatureRejected.Reason.SIGNATURE_INVALID);
  }

  @Test
  void ourSignatureIsAppendedToCosignsAndBothVerify() {
    generateCosignKeyPair();
    assertThat(cosign.run("sign", "--key", "cosign.key", "--tlog-upload=false", "--yes", image + "@" + digest)
        .exitCode()).isZero();
    LocalKeySigner signer = TestKeys.newSigner();

    ImageSignatureRef ours = ImageSignatures.sign(registry, image, digest, signer);

    Path ourKey = TestKeys.writePublicPem(signer.publicKey(), dir.resolve("ours.pub"));
    assertThat(CosignManifest.read(registry.getManifest("app", ours.tag()).orElseThrow().bytes()).layers()).hasSize(2);
    assertThat(cosignVerify(ourKey, digest).exitCode()).isZero();
    assertThat(cosignVerify(dir.resolve("cosign.pub"), digest).exitCode()).isZero();
    assertThat(ImageSignatures.verify(registry, image, digest, Map.of("ours", signer.publicKey())).keyId())
        .isEqualTo("ours");
  }

  @Test
  void weFindCosignsAttestationByPredicateType() throws Exception {
    generateCosignKeyPair();
    Files.writeString(dir.resolve("p.json"),
        "{\"buildDefinition\":{\"buildType\":\"https://gantry.dev/test\",\"externalParameters\":{}},"
            + "\"runDetails\":{\"builder\":{\"id\":\"https://gantry.dev/ci\"}}}");
    CosignCli.Result attested = cosign.run("attest", "--key", "cosign.key", "--type", "slsaprovenance1",
        "--predicate", "p.json", "--tlog-upload=false", "--yes", image + "@" + digest);
    assertThat(attested.exitCode()).as(attested.output()).isZero();

    List<String> envelopes = ImageSignatures.attestationEnvelopes(registry, image, digest, SLSA);

    assertThat(envelopes).singleElement().asString().contains("\"payloadType\":\"application/vnd.in-toto+json\"");
    assertThat(ImageSignatures.attestationEnvelopes(registry, image, digest, "https://spdx.dev/Document")).isEmpty();
    assertThatWeWriteTheSameManifest(registry.getManifest("app", OciDigests.cosignTag(digest, "att")).orElseThrow());
  }

  @Test
  void cosignVerifiesAnAttestationWeAttach() {
    LocalKeySigner signer = TestKeys.newSigner();
    String statement = TestDsse.statement(image, digest, SLSA,
        "{\"buildDefinition\":{\"buildType\":\"https://gantry.dev/test\",\"externalParameters\":{}},"
            + "\"runDetails\":{\"builder\":{\"id\":\"https://gantry.dev/ci\"}}}");
    ImageSignatures.attach(registry, image, digest, TestDsse.envelope(signer, statement), SLSA);
    Path publicKey = TestKeys.writePublicPem(signer.publicKey(), dir.resolve("cosign.pub"));

    CosignCli.Result verified = cosign.run("verify-attestation", "--key", publicKey.toString(), "--type",
        "slsaprovenance1", "--insecure-ignore-tlog=true", image + "@" + digest);

    assertThat(verified.exitCode()).as(verified.output()).isZero();
    assertThat(verified.output()).contains("The signatures were verified against the specified public key");
    // and the same envelope, signed by a key cosign was not given, is refused
    CosignCli.Result otherKey = cosign.run("verify-attestation", "--key",
        TestKeys.writePublicPem(TestKeys.newSigner().publicKey(), dir.resolve("other.pub")).toString(), "--type",
        "slsaprovenance1", "--insecure-ignore-tlog=true", image + "@" + digest);
    assertThat(otherKey.exitCode()).as(otherKey.output()).isNotZero();
  }

  private void generateCosignKeyPair() {
    CosignCli.Result generated = cosign.run("generate-key-pair");
    assertThat(generated.exitCode()).as(generated.output()).isZero();
  }

  // What cosign pushed is what CosignManifest writes for the same layers: config and manifest, byte for byte.
  private void assertThatWeWriteTheSameManifest(Manifest cosigns) {
    CosignManifest layers = CosignManifest.read(cosigns.bytes());
    byte[] config = layers.config();
    assertThat(new String(layers.manifest(OciDigests.sha256(config), config.length), StandardCharsets.UTF_8))
        .isEqualTo(new String(cosigns.bytes(), StandardCharsets.UTF_8));
  }

  // A replayed signature: the .sig manifest of another image, stored at this image's .sig tag.
  private void copySignatureManifest(ImageSignatureRef from, String toDigest) {
    Manifest sig = registry.getManifest("app", from.tag()).orElseThrow();
    registry.putManifest("app", OciDigests.cosignTag(toDigest, "sig"), sig.mediaType(), sig.bytes());
  }
}
