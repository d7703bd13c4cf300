package dev.gantry.activities.signing.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.signing.ArtifactSigner;
import dev.gantry.activities.signing.ArtifactVerifier;
import dev.gantry.activities.signing.InTotoStatements;
import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.activities.signing.Provenance;
import dev.gantry.activities.signing.SignatureRejected;
import dev.gantry.activities.signing.SignatureStore;
import dev.gantry.activities.signing.TrustedKeys;
import dev.gantry.activities.support.OciRegistryPeer;
import dev.gantry.activities.support.TestKeys;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release's signing step and verification gate for an image, against a real registry. */
class ImageReleaseSigningTest {
  private static final String SLSA = InTotoStatements.SLSA_PROVENANCE_V1;
  @TempDir Path dir;
  private OciRegistryPeer peer;
  private OciRegistryClient registry;
  private final LocalKeySigner key = TestKeys.newSigner();
  private Path trustedKeys;

  @BeforeEach
  void startRegistry() {
    peer = OciRegistryPeer.start();
    registry = new OciRegistryClient(peer.url());
    trustedKeys = dir.resolve("trusted-keys.yaml");
    TrustedKeys trusted = TrustedKeys.empty();
    trusted.add("release", key.publicKey(), Instant.now().minusSeconds(3600), null);
    trusted.save(trustedKeys);
  }

  @AfterEach
  void stopRegistry() {
    if (peer != null) {
      peer.close();
    }
  }

  @Test
  void aSignedAndAttestedImagePassesTheGateAndAnotherImageDoesNot() {
    ArtifactRef image = new ArtifactRef(ArtifactRef.IMAGE, peer.host() + "/app", TestImages.push(registry, "app"));
    List<SignatureRef> made = signAndAttest(image);

    assertThat(made).extracting(SignatureRef::location)
        .containsExactly(peer.host() + "/app:" + image.digest().replace(':', '-') + ".sig",
            peer.host() + "/app:" + image.digest().replace(':', '-') + ".att");
    ArtifactVerifier.Verified verified = new ArtifactVerifier().verify(image, made, policy(), Instant.now());
    assertThat(verified.keyId()).isEqualTo(key.keyId());
    assertThat(verified.predicateTypes()).containsExactly(SLSA);

    ArtifactRef unsigned = new ArtifactRef(ArtifactRef.IMAGE, peer.host() + "/app", TestImages.push(registry, "app"));
    assertThatThrownBy(() -> new ArtifactVerifier().verify(unsigned, List.of(), policy(), Instant.now()))
        .isInstanceOfSatisfying(SignatureRejected.class,
            rejected -> assertThat(rejected.reason()).isEqualTo(SignatureRejected.Reason.MISSING));
  }

  @Test
  void signingTheImageAgainPushesNothingNew() {
    ArtifactRef image = new ArtifactRef(ArtifactRef.IMAGE, peer.host() + "/app", TestImages.push(registry, "app"));
    signAndAttest(image);
    long puts = peer.requests().stream().filter(request -> request.startsWith("PUT")).count();
    signAndAttest(image);
    assertThat(peer.requests().stream().filter(request -> request.startsWith("PUT")).count()).isEqualTo(puts);
  }

  private List<SignatureRef> signAndAttest(ArtifactRef image) {
    ArtifactSigner signer = new ArtifactSigner(new SignatureStore(dir.resolve("store")));
    return List.of(signer.sign(image, key), signer.attest(image, SLSA, key,
        () -> InTotoStatements.slsaProvenance(image.location(), image.digest().substring(7),
            new Provenance("https://gantry.dev/worker/v1", "https://gantry.dev/release/v1", Map.of(), null, null, null,
                Instant.now(), Instant.now()))));
  }

  private VerificationPolicy policy() {
    return new VerificationPolicy(true, trustedKeys.toString(), List.of(SLSA), null);
  }
}
