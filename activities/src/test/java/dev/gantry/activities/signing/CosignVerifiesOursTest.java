package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real cosign 2.6.1 accepts what Gantry signs, and refuses it once the artifact changes. */
class CosignVerifiesOursTest {
  @TempDir Path dir;
  private Cosign cosign;
  private LocalKeySigner signer;
  private Path publicKey;
  private Path artifact;
  private String sha256Hex;

  @BeforeEach
  void setUp() throws IOException {
    cosign = new Cosign(dir);
    signer = TestKeys.newSigner();
    publicKey = TestKeys.writePublicPem(signer.publicKey(), dir.resolve("cosign.pub"));
    artifact = Files.writeString(dir.resolve("app-1.4.2.tar.gz"), "release bytes\n");
    sha256Hex = dev.gantry.activities.local.Digests.sha256(artifact).substring("sha256:".length());
  }

  @Test
  void verifiesOurSigAndBundle() throws IOException {
    BlobSigning.write(BlobSigning.sign(artifact, signer), artifact);
    Path sig = dir.resolve("app-1.4.2.tar.gz.sig");
    Path bundle = dir.resolve("app-1.4.2.tar.gz.sigstore.json");

    assertVerified(cosign.verifyBlobSignature(publicKey, sig, artifact));
    assertVerified(cosign.verifyBlobBundle(publicKey, bundle, artifact));

    Files.writeString(artifact, "release bytes, changed\n");
    assertRefused(cosign.verifyBlobSignature(publicKey, sig, artifact));
    assertRefused(cosign.verifyBlobBundle(publicKey, bundle, artifact));
  }

  @Test
  void refusesOurSignatureUnderAnotherKey() {
    BlobSigning.write(BlobSigning.sign(artifact, signer), artifact);
    Path otherKey = TestKeys.writePublicPem(TestKeys.newSigner().publicKey(), dir.resolve("other.pub"));

    assertRefused(cosign.verifyBlobSignature(otherKey, dir.resolve("app-1.4.2.tar.gz.sig"), artifact));
    assertRefused(cosign.verifyBlobBundle(otherKey, dir.resolve("app-1.4.2.tar.gz.sigstore.json"), artifact));
  }

  @Test
  void verifiesOurSbomAttestation() throws IOException {
    Path spdx = Files.writeString(dir.resolve("sbom.spdx.json"),
        "{\"spdxVersion\":\"SPDX-2.3\",\"SPDXID\":\"SPDXRef-DOCUMENT\",\"name\":\"app\",\"packages\":[]}");
    SignedAttestation attestation =
        Attestations.sign(InTotoStatements.sbom(artifact.getFileName().toString(), sha256Hex, spdx), signer);
    Path bundle = Files.writeString(dir.resolve("sbom.sigstore.json"), attestation.bundleJson());

    assertVerified(cosign.verifyBlobAttestation(publicKey, bundle, "https://spdx.dev/Document", artifact));
    assertVerified(cosign.verifyBlobAttestation(publicKey, bundle, "spdxjson", artifact));

    Files.writeString(artifact, "other bytes\n");
    assertRefused(cosign.verifyBlobAttestation(publicKey, bundle, "spdxjson", artifact));
  }

  @Test
  void verifiesOurSlsaProvenanceWithNonAsciiText() throws IOException {
    // "Grüße, 世界" has 9 characters and 15 UTF-8 bytes: a PAE counting characters would not verify
    Provenance provenance = new Provenance("https://ci.example.com/builders/gantry", "https://gantry.dev/build/v1",
        Map.of("note", "Grüße, 世界", "target", "linux/amd64"), "git+https://git.example.com/app",
        "0123456789abcdef0123456789abcdef01234567", "https://ci.example.com/runs/42",
        Instant.parse("2025-01-01T10:00:00Z"), Instant.parse("2025-01-01T10:05:00Z"));
    byte[] statement = InTotoStatements.slsaProvenance(artifact.getFileName().toString(), sha256Hex, provenance);
    assertThat(new String(statement, StandardCharsets.UTF_8)).contains("Grüße, 世界");
    SignedAttestation attestation = Attestations.sign(statement, signer);
    Path bundle = Files.writeString(dir.resolve("slsa.sigstore.json"), attestation.bundleJson());

    assertVerified(cosign.verifyBlobAttestation(publicKey, bundle, "https://slsa.dev/provenance/v1", artifact));
    assertVerified(cosign.verifyBlobAttestation(publicKey, bundle, "slsaprovenance1", artifact));

    Files.writeString(artifact, "other bytes\n");
    assertRefused(cosign.verifyBlobAttestation(publicKey, bundle, "slsaprovenance1", artifact));
  }

  @Test
  void refusesOurAttestationWhosePayloadWasEdited() throws IOException {
    Provenance provenance = new Provenance("https://ci.example.com/b", "https://gantry.dev/build/v1", Map.of(),
        "git+https://git.example.com/app", "0123456789abcdef0123456789abcdef01234567", null, null, null);
    String bundleJson = Attestations.sign(
        InTotoStatements.slsaProvenance("app", sha256Hex, provenance), signer).bundleJson();
    // same statement, the builder id changed: the envelope's signature no longer covers it
    String forged = SignatureVerifierTest.replacePayload(bundleJson, "https://ci.example.com/b", "https://evil.example/b");
    Path bundle = Files.writeString(dir.resolve("forged.sigstore.json"), forged);

    assertRefused(cosign.verifyBlobAttestation(publicKey, bundle, "slsaprovenance1", artifact));
  }

  private static void assertVerified(Processes.Result result) {
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("Verified OK");
  }

  private static void assertRefused(Processes.Result result) {
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).doesNotContain("Verified OK");
  }
}
