package dev.gantry.worker;

import dev.gantry.activities.support.Peers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.audit.HashChainedLog;
import dev.gantry.activities.signing.ArtifactSigner;
import dev.gantry.activities.signing.DemoKeys;
import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.activities.signing.SignatureStore;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.release.GateCheck;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The real worker, the real signing code and the real local target: an unsigned, tampered or
 * untrusted artifact never reaches a region, and an artifact signed by the real cosign is accepted.
 */
@RealPeers
class SigningEndToEndTest {
  @TempDir Path dir;
  private TestPolicy policy;
  private Path artifact;
  private Path signatureLog;

  /**
   * The platform's policy: hello-service goes through dev and staging, and each verifies the artifact's
   * signature and provenance against the trusted keys; the worker signs only where a test gives the policy
   * a signing key. The request says what to release.
   */
  @BeforeEach
  void writeSpec() throws IOException {
    DemoKeys.ensure(dir);
    policy = TestPolicy.in(dir).application("hello-service", "dev", "staging");
    for (String env : List.of("dev", "staging")) {
      policy.environment(env, """
          regions: [{name: us-east-1}, {name: eu-west-1, primary: true}]
          target: {type: local, root: ../targets}
          healthCheck: {command: "true", attempts: 1}
          verification: {trustedKeys: ../keys/trusted-keys.yaml, require: [slsa-provenance]}
          """);
    }
    policy.write();
    artifact = policy.artifact("service.sh", "echo service\n");
    signatureLog = dir.resolve("audit/signatures.jsonl");
    Files.writeString(dir.resolve("release.yaml"), """
        application: hello-service
        version: 2.0.0
        requestedBy: ci
        artifact: {file: artifacts/service.sh}
        promotion: [dev, staging]
        """);
  }

  @Test
  void aReleaseSignsItsArtifactAndEveryEnvironmentAndRegionVerifiesIt() throws Exception {
    policy.signing("{key: ../keys/release.key, source: {commit: abc}}").write();
    List<CliEndToEndTest.Run> live = new java.util.ArrayList<>();

    ReleaseStatus report = release(address -> live.add(CliEndToEndTest.cli("audit", "verify", "--key",
        dir.resolve("keys/audit-worker.key.pub").toString(), "--release", "hello-service/2.0.0",
        "--address", address, dir.resolve("audit").toString())));

    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(report.signatures()).hasSize(2);
    assertThat(report.gates()).filteredOn(g -> g.gate().equals("signature")).extracting(GateCheck::outcome)
        .containsExactly("passed", "passed");
    assertThat(Files.exists(artifact.resolveSibling("service.sh.sigstore.json"))).isTrue();
    // The provenance names this release's run and carries the workflow's time; every gate judged by that time.
    var provenance = report.signatures().get(1);
    assertThat(provenance.invocationId()).startsWith("release/hello-service/2.0.0/");
    assertThat(provenance.signedAt()).isNotNull();
    String statement = new String(java.util.Base64.getDecoder().decode(new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(Files.readString(artifact.resolveSibling("service.sh.provenance.sigstore.json")))
        .path("dsseEnvelope").path("payload").asText()), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(statement).contains("\"invocationId\":\"" + provenance.invocationId() + "\"")
        .contains("\"finishedOn\":\"" + provenance.signedAt() + "\"");
    assertThat(report.gates()).filteredOn(g -> g.gate().equals("signature"))
        .allSatisfy(g -> assertThat(g.detail()).contains("signed " + provenance.signedAt() + " (release time)"));
    assertThat(HashChainedLog.verify(signatureLog)).isEmpty();
    List<String> lines = Files.readAllLines(signatureLog);
    assertThat(lines).filteredOn(line -> line.contains("\"action\":\"verify\"") && line.contains("\"outcome\":\"pass\""))
        .as("2 environment gates + 4 region checks").hasSize(6);
    assertThat(String.join("\n", lines)).doesNotContain(Files.readString(dir.resolve("keys/release.key"))
        .lines().skip(1).findFirst().orElseThrow());
    // the worker's audit key (made beside the policy) signed checkpoints of both trails; the release's head
    // is the last line of the release trail, and a checkpoint covers it
    var workerKey = KeyFiles.readPublicKey(dir.resolve("keys/audit-worker.key.pub"));
    var anchored = dev.gantry.activities.audit.TrailVerifier.Options.anchored(List.of(workerKey));
    var trail = dev.gantry.activities.audit.TrailVerifier.verify(dir.resolve("audit/audit.jsonl"), anchored);
    assertThat(trail.intact()).as(trail.problems().toString()).isTrue();
    assertThat(report.auditHead()).isNotNull();
    assertThat(report.auditHead().sequence()).isEqualTo(trail.lines());
    assertThat(trail.lastAnchored()).isEqualTo(trail.lines());
    var signatures = dev.gantry.activities.audit.TrailVerifier.verify(signatureLog, anchored);
    assertThat(signatures.intact()).as(signatures.problems().toString()).isTrue();
    assertThat(signatures.checkpoints()).isPositive();
    // gantry audit verify, reading the release's history from Temporal: every head it recorded is in the trail
    assertThat(live.get(0).exitCode()).as(live.get(0).out() + live.get(0).err()).isZero();
    assertThat(live.get(0).out()).contains("audit.jsonl: intact").contains("signatures.jsonl: intact")
        .containsPattern("histories: [1-9][0-9]* recorded head\\(s\\) compared");
  }

  @Test
  void anUnsignedArtifactNeverReachesARegion() throws Exception {
    assertRefusedBeforeAnyDeploy("MISSING: no signature of service.sh");
  }

  @Test
  void anArtifactChangedAfterSigningNeverReachesARegion() throws Exception {
    signWith(KeyFiles.loadSigner(dir.resolve("keys/release.key"), null));
    Files.writeString(artifact, "echo evil\n");
    assertRefusedBeforeAnyDeploy("ARTIFACT_DIGEST_MISMATCH");
  }

  @Test
  void anArtifactSignedByAnUntrustedKeyNeverReachesARegion() throws Exception {
    signWith(new LocalKeySigner(KeyFiles.generate()));
    assertRefusedBeforeAnyDeploy("UNKNOWN_KEY");
  }

  @Test
  void anArtifactSignedAndAttestedByTheRealCosignIsAccepted() throws Exception {
    Path cosign = TemporalPeer.tools().resolve("bin/cosign").toAbsolutePath();
    Peers.require(Files.isExecutable(cosign), "cosign not installed at " + cosign + ": run scripts/test-tools.sh");
    run(cosign, "generate-key-pair");
    Files.writeString(dir.resolve("predicate.json"), """
        {"buildDefinition": {"buildType": "https://example.com/ci", "externalParameters": {}},
         "runDetails": {"builder": {"id": "https://example.com/ci"}}}
        """);
    run(cosign, "sign-blob", "--key", "cosign.key", "--bundle", "artifacts/service.sh.sigstore.json",
        "--new-bundle-format", "--tlog-upload=false", "--yes", "artifacts/service.sh");
    run(cosign, "attest-blob", "--key", "cosign.key", "--predicate", "predicate.json", "--type", "slsaprovenance1",
        "--bundle", "artifacts/service.sh.provenance.sigstore.json", "--new-bundle-format", "--tlog-upload=false",
        "--yes", "artifacts/service.sh");
    var trusted = dev.gantry.activities.signing.TrustedKeys.load(dir.resolve("keys/trusted-keys.yaml"));
    trusted.add("ci-cosign", KeyFiles.readPublicKey(dir.resolve("cosign.pub")), java.time.Instant.now(), null);
    trusted.save(dir.resolve("keys/trusted-keys.yaml"));

    ReleaseStatus report = release();

    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(report.gates()).filteredOn(g -> g.gate().equals("signature"))
        .allSatisfy(g -> assertThat(g.detail()).contains("trusted key 'ci-cosign'"));
  }

  // ---------------------------------------------------------------------------------------------

  private void signWith(dev.gantry.activities.signing.Signer signer) {
    ArtifactRef ref = ArtifactRef.file(artifact.toString(), dev.gantry.activities.local.Digests.sha256(artifact));
    ArtifactSigner signing = new ArtifactSigner(new SignatureStore(dir.resolve("store")));
    signing.sign(ref, signer);
    signing.attest(ref, dev.gantry.activities.signing.InTotoStatements.SLSA_PROVENANCE_V1, signer,
        () -> dev.gantry.activities.signing.InTotoStatements.slsaProvenance("service.sh", ref.digest().substring(7),
            new dev.gantry.activities.signing.Provenance("https://example.com/ci", "https://example.com/ci",
                null, null, null, null, null, java.time.Instant.now())));
  }

  private void assertRefusedBeforeAnyDeploy(String reason) throws Exception {
    ReleaseStatus report = release();
    assertThat(report.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(report.failureReason()).contains("dev: " + reason);
    assertThat(report.gates()).filteredOn(g -> g.gate().equals("signature")).singleElement()
        .satisfies(g -> assertThat(g.outcome()).isEqualTo("failed"));
    assertThat(deployedFiles()).as("nothing reached any region").isEmpty();
    assertThat(Files.readAllLines(signatureLog)).anySatisfy(line ->
        assertThat(line).contains("\"action\":\"verify\"").contains("\"outcome\":\"fail\"").contains(reason));
  }

  private ReleaseStatus release() throws Exception {
    return release(address -> { });
  }

  /** Runs the release; then, with Temporal and the worker still up, {@code after} (given Temporal's address). */
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  private ReleaseStatus release(java.util.function.Consumer<String> after) throws Exception {
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir(),
            "--gantry.audit.signatures-path=" + signatureLog, "--gantry.signing.store=" + dir.resolve("store"),
            "--gantry.audit.path=" + dir.resolve("audit/audit.jsonl"));
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      String id = gantry.startRelease(dir.resolve("release.yaml"));
      ReleaseStatus status;
      try {
        status = gantry.awaitCompletion(id, Duration.ofMinutes(2));
      } catch (ReleaseFailedException failed) {
        status = gantry.status(id);
      }
      after.accept(temporal.address());
      return status;
    }
  }

  private List<Path> deployedFiles() throws IOException {
    Path targets = policy.targets();
    if (!Files.exists(targets)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(targets)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  private void run(Path cosign, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(cosign.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    builder.environment().put("COSIGN_PASSWORD", "cosign-test");
    builder.environment().put("TUF_ROOT", dir.resolve(".sigstore").toString());
    builder.environment().put("HOME", dir.toString());
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as("cosign " + args[0] + ": " + output).isZero();
  }
}
