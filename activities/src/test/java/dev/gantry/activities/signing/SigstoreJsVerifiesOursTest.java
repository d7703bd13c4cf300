package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.local.Digests;
import dev.gantry.activities.support.Peers;
import dev.gantry.activities.support.TestTools;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sigstore-js ({@code @sigstore/verify}), an implementation independent of cosign, verifies Gantry's
 * bundles with a key we hand it (src/test/node/verify-bundle.js).
 */
class SigstoreJsVerifiesOursTest {
  private static final Path SCRIPT = Path.of("src/test/node/verify-bundle.js").toAbsolutePath();

  @TempDir Path dir;
  private Path node;
  private Path nodeModules;
  private LocalKeySigner signer;
  private Path publicKey;
  private Path artifact;

  @BeforeEach
  void setUp() throws IOException {
    node = onPath("node").orElse(null);
    Peers.require(node != null, "node is not on the PATH: install Node.js (scripts/test-tools.sh needs it too)");
    nodeModules = TestTools.require("node/node_modules/@sigstore/verify").getParent().getParent();
    signer = TestKeys.newSigner();
    publicKey = TestKeys.writePublicPem(signer.publicKey(), dir.resolve("key.pem"));
    artifact = Files.writeString(dir.resolve("app.tar.gz"), "release bytes\n");
  }

  @Test
  void verifiesOurBlobBundleAndRefusesItForChangedBytes() throws IOException {
    Path bundle = Files.writeString(dir.resolve("app.sigstore.json"), BlobSigning.sign(artifact, signer).bundleJson());

    assertVerified(verify(bundle, publicKey, artifact));

    Path changed = Files.writeString(dir.resolve("changed.tar.gz"), "release bytes?\n");
    assertRefused(verify(bundle, publicKey, changed));
    Path otherKey = TestKeys.writePublicPem(TestKeys.newSigner().publicKey(), dir.resolve("other.pem"));
    assertRefused(verify(bundle, otherKey, artifact));
  }

  @Test
  void verifiesOurNonAsciiAttestationAndRefusesAnEditedOne() throws IOException {
    Path spdx = Files.writeString(dir.resolve("sbom.json"), "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"Grüße, 世界\"}");
    String sha256Hex = Digests.sha256(artifact).substring("sha256:".length());
    String bundleJson = Attestations.sign(InTotoStatements.sbom("app.tar.gz", sha256Hex, spdx), signer).bundleJson();
    Path bundle = Files.writeString(dir.resolve("sbom.sigstore.json"), bundleJson);

    assertVerified(verify(bundle, publicKey, null));

    Path edited = Files.writeString(dir.resolve("edited.sigstore.json"),
        SignatureVerifierTest.replacePayload(bundleJson, "世界", "世間"));
    assertRefused(verify(edited, publicKey, null));
  }

  private Processes.Result verify(Path bundle, Path key, Path artifactOrNull) {
    List<String> command = new ArrayList<>(List.of(node.toString(), SCRIPT.toString(), bundle.toString(), key.toString()));
    if (artifactOrNull != null) {
      command.add(artifactOrNull.toString());
    }
    return Processes.run(dir, Map.of("NODE_PATH", nodeModules.toString()), command);
  }

  private static void assertVerified(Processes.Result result) {
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("verified");
  }

  private static void assertRefused(Processes.Result result) {
    assertThat(result.exitCode()).as(result.output()).isNotZero();
    assertThat(result.output()).contains("ERROR");
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    return Stream.of(path.split(File.pathSeparator))
        .map(entry -> Path.of(entry, program))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
