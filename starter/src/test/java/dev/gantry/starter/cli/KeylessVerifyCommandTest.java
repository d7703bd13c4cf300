package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gantry artifact verify} with keyless trust, on real public-good bundles of the sigstore-conformance
 * suite: who may sign, attestations, age, and what a refusal says.
 */
class KeylessVerifyCommandTest {
  static final String IDENTITY = SigstoreConformanceTest.DEFAULT_IDENTITY;
  static final String ISSUER = SigstoreConformanceTest.DEFAULT_ISSUER;
  @TempDir Path dir;
  private Path artifact;
  private Path root;
  private final StringWriter out = new StringWriter();

  @BeforeEach
  void placeASignedArtifact() throws IOException {
    Path suite = SigstoreConformanceTest.suite();
    Path cases = suite.resolve("bundle-verify");
    artifact = Files.copy(cases.resolve("a.txt"), dir.resolve("a.txt"));
    // a keyless blob signature next to the file, and a keyless SLSA provenance attestation about it
    Files.copy(cases.resolve("happy-path-v0.3/bundle.sigstore.json"), dir.resolve("a.txt.sigstore.json"));
    Files.copy(cases.resolve("happy-path-intoto-in-dsse-v3/bundle.sigstore.json"),
        dir.resolve("a.txt.provenance.sigstore.json"));
    root = suite.resolve("trusted_root.public-good.json");
  }

  @Test
  void theSignerNamedByIdentityAndIssuerVerifiesWithItsProvenance() throws IOException {
    assertThat(verify("--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER,
        "--require", "slsa-provenance")).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.path("keyId").asText()).isEqualTo("keyless:" + IDENTITY);
    assertThat(json.path("keyName").asText()).isEqualTo(IDENTITY);
    assertThat(json.path("predicateTypes").toString()).contains("https://slsa.dev/provenance/v1");
    assertThat(json.path("detail").asText()).contains("by keyless identity " + IDENTITY, "issuer " + ISSUER,
        "Rekor v1 entry");
  }

  @Test
  void aRegexpMustMatchTheWholeIdentity() throws IOException {
    assertThat(verify("--certificate-identity-regexp",
        "https://github\\.com/sigstore-conformance/.*@refs/heads/main",
        "--certificate-oidc-issuer-regexp", "https://token\\.actions\\.githubusercontent\\.com")).isZero();
    out.getBuffer().setLength(0);
    assertThat(verify("--certificate-identity-regexp", "https://github\\.com/sigstore-conformance/",
        "--certificate-oidc-issuer", ISSUER)).isEqualTo(GantryCli.FAILED);
    assertThat(reason()).isEqualTo("UNTRUSTED_IDENTITY");
  }

  @Test
  void anotherIdentityOrIssuerIsRefusedNamingTheCertificatesIdentity() throws IOException {
    assertThat(verify("--certificate-identity", "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main",
        "--certificate-oidc-issuer", ISSUER)).isEqualTo(GantryCli.FAILED);
    assertThat(reason()).isEqualTo("UNTRUSTED_IDENTITY");
    assertThat(detail()).contains("the certificate's identity " + IDENTITY).contains("matches none of the 1");

    out.getBuffer().setLength(0);
    assertThat(verify("--certificate-identity", IDENTITY, "--certificate-oidc-issuer", "https://accounts.google.com"))
        .isEqualTo(GantryCli.FAILED);
    assertThat(reason()).isEqualTo("UNTRUSTED_IDENTITY");
  }

  @Test
  void aKeylessSignatureIsRefusedWhereOnlyKeysAreTrusted() throws IOException {
    Path keys = dir.resolve("trusted-keys.yaml");
    assertThat(run("keys", "generate", "--key", dir.resolve("release.key").toString(), "--trusted-keys",
        keys.toString(), "--name", "release", "--audit-log", dir.resolve("audit.jsonl").toString())).isZero();
    out.getBuffer().setLength(0);
    assertThat(run("artifact", "verify", artifact.toString(), "--trusted-keys", keys.toString(),
        "--audit-log", dir.resolve("audit.jsonl").toString(), "-o", "json")).isEqualTo(GantryCli.FAILED);
    assertThat(reason()).isEqualTo("UNTRUSTED_IDENTITY");
    assertThat(detail()).contains("trusts none");
  }

  @Test
  void theAgeOfAKeylessSignatureIsCountedFromItsLoggedTime() throws IOException {
    assertThat(verify("--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER,
        "--max-age-hours", "1", "--require", "slsa-provenance")).isEqualTo(GantryCli.FAILED);
    assertThat(reason()).isEqualTo("SIGNATURE_TOO_OLD");
  }

  @Test
  void anEditedArtifactIsRefusedAndTheReasonQuotesNoDigest() throws IOException {
    Files.writeString(artifact, "edited\n");
    String actual = dev.gantry.activities.local.Digests.sha256(artifact);
    assertThat(verify("--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER))
        .isEqualTo(GantryCli.FAILED);
    assertThat(reason()).isEqualTo("ARTIFACT_DIGEST_MISMATCH");
    assertThat(detail()).doesNotContain(actual.substring("sha256:".length())).doesNotContain("a0cfc712");
  }

  @Test
  void anEntryLoggedAfterItsLogsKeyRetiredIsRefused() throws IOException {
    // happy-path-v0.3 was logged on 2024-03-19; this root retires the log's key at the start of 2024
    Path retired = Files.writeString(dir.resolve("retired-root.json"), Files.readString(root)
        .replace("\"start\": \"2021-01-12T11:53:27.000Z\"",
            "\"start\": \"2021-01-12T11:53:27.000Z\", \"end\": \"2024-01-01T00:00:00Z\""));
    assertThat(Files.readString(retired)).contains("2024-01-01T00:00:00Z");
    root = retired;
    assertThat(verify("--certificate-identity", IDENTITY, "--certificate-oidc-issuer", ISSUER))
        .isEqualTo(GantryCli.FAILED);
    assertThat(reason()).isEqualTo("SIGNATURE_INVALID");
    assertThat(detail()).contains("outside the validity of its log's key");
  }

  @Test
  void keylessOptionsAreAllOrNothing() {
    assertThat(verify("--certificate-identity", IDENTITY)).as("no issuer").isEqualTo(2);
    assertThat(verify("--certificate-identity", IDENTITY, "--certificate-identity-regexp", ".*",
        "--certificate-oidc-issuer", ISSUER)).as("two identities").isEqualTo(2);
    assertThat(verify("--certificate-identity-regexp", "(", "--certificate-oidc-issuer", ISSUER))
        .as("a regexp that does not compile").isEqualTo(2);
    assertThat(run("artifact", "verify", artifact.toString(), "--certificate-identity", IDENTITY,
        "--certificate-oidc-issuer", ISSUER)).as("identity without a trusted root").isEqualTo(2);
    assertThat(run("artifact", "verify", artifact.toString())).as("nothing trusted").isEqualTo(2);
  }

  private int verify(String... keylessOptions) {
    List<String> args = new ArrayList<>(List.of("artifact", "verify", artifact.toString(),
        "--trusted-root", root.toString(), "--audit-log", dir.resolve("audit.jsonl").toString(), "-o", "json"));
    args.addAll(List.of(keylessOptions));
    return run(args.toArray(String[]::new));
  }

  private String reason() throws IOException {
    return new ObjectMapper().readTree(out.toString()).path("reason").asText();
  }

  private String detail() throws IOException {
    return new ObjectMapper().readTree(out.toString()).path("detail").asText();
  }

  private int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute(args);
  }
}
