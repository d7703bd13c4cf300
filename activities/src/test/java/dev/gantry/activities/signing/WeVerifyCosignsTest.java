package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.SignatureRejected.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gantry's verifier accepts what the real cosign 2.6.1 signs with its own (encrypted) key, and refuses it
 * once tampered with. Only cosign.pub is read here; cosign.key stays cosign's.
 */
class WeVerifyCosignsTest {
  @TempDir Path dir;
  private Cosign cosign;
  private Map<String, PublicKey> keys;
  private Path artifact;

  @BeforeEach
  void setUp() throws IOException {
    cosign = new Cosign(dir);
    PublicKey cosignKey = TestKeys.readPublicPem(cosign.generateKeyPair());
    keys = SignatureVerifier.byKeyId(cosignKey);
    artifact = Files.writeString(dir.resolve("app.tar.gz"), "release bytes\n");
  }

  @Test
  void acceptsCosignSignBlobBundleAndSig() throws IOException {
    Path bundle = dir.resolve("app.sigstore.json");
    Path sig = dir.resolve("app.sig");
    cosign.signBlob(artifact, bundle, sig);

    VerifiedSignature fromBundle = SignatureVerifier.verifyBlob(artifact, Files.readString(bundle), keys);
    VerifiedSignature fromSig = SignatureVerifier.verifyBlobSignature(artifact, Files.readString(sig), keys);

    String keyId = keys.keySet().iterator().next();
    assertThat(fromBundle).isEqualTo(new VerifiedSignature(keyId, Digests.sha256(artifact)));
    assertThat(fromSig).isEqualTo(fromBundle);
  }

  @Test
  void refusesCosignSignaturesOverAChangedArtifact() throws IOException {
    Path bundle = dir.resolve("app.sigstore.json");
    Path sig = dir.resolve("app.sig");
    cosign.signBlob(artifact, bundle, sig);
    Files.writeString(artifact, "release bytes!\n");

    assertThatThrownBy(() -> SignatureVerifier.verifyBlob(artifact, Files.readString(bundle), keys))
        .isInstanceOfSatisfying(SignatureRejected.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.ARTIFACT_DIGEST_MISMATCH));
    assertThatThrownBy(() -> SignatureVerifier.verifyBlobSignature(artifact, Files.readString(sig), keys))
        .isInstanceOfSatisfying(SignatureRejected.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_INVALID));
  }

  @Test
  void ourBlobBundleHasExactlyCosignsShape() throws IOException {
    Path bundle = dir.resolve("app.sigstore.json");
    cosign.signBlob(artifact, bundle, dir.resolve("app.sig"));
    String ours = BlobSigning.sign(artifact, TestKeys.newSigner()).bundleJson();

    ObjectMapper json = new ObjectMapper();
    JsonNode theirs = json.readTree(Files.readString(bundle));
    assertThat(paths(json.readTree(ours))).isEqualTo(paths(theirs));
    assertThat(json.readTree(ours).at("/messageSignature/messageDigest"))
        .isEqualTo(theirs.at("/messageSignature/messageDigest")); // same artifact, same digest
  }

  @Test
  void acceptsCosignAttestationOfOurStatementWithNonAsciiText() throws IOException {
    String sha256Hex = Digests.sha256(artifact).substring("sha256:".length());
    Path spdx = Files.writeString(dir.resolve("sbom.spdx.json"),
        "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"Grüße, 世界\",\"packages\":[]}");
    Path statement = Files.write(dir.resolve("statement.json"), InTotoStatements.sbom("app.tar.gz", sha256Hex, spdx));
    Path bundle = dir.resolve("sbom.sigstore.json");
    cosign.attestBlobStatement(statement, bundle, artifact);

    VerifiedAttestation verified = SignatureVerifier.verifyAttestation(
        Files.readString(bundle), sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys);

    assertThat(verified.keyId()).isEqualTo(keys.keySet().iterator().next());
    assertThat(verified.statement().at("/predicate/name").asText()).isEqualTo("Grüße, 世界");
  }

  @Test
  void acceptsCosignAttestationOfABarePredicateAndRefusesItForAnotherArtifact() throws IOException {
    Path predicate = Files.writeString(dir.resolve("provenance.json"),
        "{\"buildDefinition\":{\"buildType\":\"https://gantry.dev/build/v1\",\"externalParameters\":{}},"
            + "\"runDetails\":{\"builder\":{\"id\":\"https://ci.example.com/b\"}}}");
    Path bundle = dir.resolve("slsa.sigstore.json");
    cosign.attestBlobPredicate(predicate, "slsaprovenance1", bundle, artifact);
    String sha256Hex = Digests.sha256(artifact).substring("sha256:".length());

    VerifiedAttestation verified = SignatureVerifier.verifyAttestation(
        Files.readString(bundle), sha256Hex, InTotoStatements.SLSA_PROVENANCE_V1, keys);
    assertThat(verified.statement().at("/predicate/runDetails/builder/id").asText())
        .isEqualTo("https://ci.example.com/b");

    String otherArtifact = "0".repeat(64);
    assertThatThrownBy(() -> SignatureVerifier.verifyAttestation(
            Files.readString(bundle), otherArtifact, InTotoStatements.SLSA_PROVENANCE_V1, keys))
        .isInstanceOfSatisfying(SignatureRejected.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.SUBJECT_DIGEST_MISMATCH));
    assertThatThrownBy(() -> SignatureVerifier.verifyAttestation(
            Files.readString(bundle), sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys))
        .isInstanceOfSatisfying(SignatureRejected.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.PREDICATE_TYPE_MISSING));
  }

  private static List<String> paths(JsonNode node) {
    List<String> paths = new ArrayList<>();
    collect("", node, paths);
    return paths;
  }

  private static void collect(String prefix, JsonNode node, List<String> paths) {
    if (!node.isObject()) {
      paths.add(prefix);
      return;
    }
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      collect(prefix + "/" + name, node.get(name), paths);
    }
  }
}
