package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.audit.HashChainedLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** An operator's day with keys: generate, sign, attest, verify, tamper, rotate, revoke, audit. */
class SigningCommandsTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private Path artifact;
  private String key;
  private String trusted;
  private String audit;
  private String store;

  @BeforeEach
  void setUp() throws Exception {
    artifact = Files.writeString(dir.resolve("app.tar.gz"), "release bytes");
    key = dir.resolve("keys/release.key").toString();
    trusted = dir.resolve("keys/trusted-keys.yaml").toString();
    audit = dir.resolve("signatures.jsonl").toString();
    store = dir.resolve("store").toString();
    assertThat(run("keys", "generate", "--key", key, "--trusted-keys", trusted, "--name", "release-2026",
        "--audit-log", audit)).isZero();
  }

  @Test
  void signAttestVerifyAndEveryStepIsInTheChainedAuditLog() throws Exception {
    assertThat(run("artifact", "sign", artifact.toString(), "--key", key, "--store", store, "--audit-log", audit))
        .isZero();
    assertThat(run("artifact", "attest", artifact.toString(), "--type", "slsa-provenance", "--key", key,
        "--store", store, "--source-commit", "abc123", "--audit-log", audit)).isZero();
    assertThat(Files.exists(dir.resolve("app.tar.gz.sig"))).isTrue();
    assertThat(Files.exists(dir.resolve("app.tar.gz.sigstore.json"))).isTrue();
    assertThat(Files.exists(dir.resolve("app.tar.gz.provenance.sigstore.json"))).isTrue();

    out.getBuffer().setLength(0);
    assertThat(run("artifact", "verify", artifact.toString(), "--trusted-keys", trusted,
        "--require", "slsa-provenance", "--max-age-hours", "1", "--audit-log", audit, "-o", "json")).isZero();
    JsonNode verified = new ObjectMapper().readTree(out.toString());
    assertThat(verified.path("verified").asBoolean()).isTrue();
    assertThat(verified.path("keyName").asText()).isEqualTo("release-2026");

    assertThat(HashChainedLog.verify(Path.of(audit))).isEmpty();
    assertThat(Files.readAllLines(Path.of(audit))).hasSize(4)
        .extracting(line -> new ObjectMapper().readTree(line).path("action").asText())
        .containsExactly("key-generate", "sign", "attest", "verify");
  }

  @Test
  void aTamperedArtifactIsRefusedWithExitOneAndTheReason() throws Exception {
    run("artifact", "sign", artifact.toString(), "--key", key, "--store", store, "--audit-log", audit);
    Files.writeString(artifact, "release bytez");
    out.getBuffer().setLength(0);

    assertThat(run("artifact", "verify", artifact.toString(), "--trusted-keys", trusted, "--audit-log", audit))
        .isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("REFUSED (ARTIFACT_DIGEST_MISMATCH)");
    assertThat(Files.readAllLines(Path.of(audit)).get(2)).contains("\"outcome\":\"fail\"");
  }

  @Test
  void aRevokedKeyStopsVerifyingAndARotatedKeyTakesOver() throws Exception {
    run("artifact", "sign", artifact.toString(), "--key", key, "--store", store, "--audit-log", audit);
    run("keys", "list", "--trusted-keys", trusted, "-o", "json");
    String keyId = new ObjectMapper().readTree(out.toString().substring(out.toString().indexOf('['))).get(0)
        .path("keyId").asText();

    String next = dir.resolve("keys/release-2027.key").toString();
    assertThat(run("keys", "rotate", "--key", next, "--trusted-keys", trusted, "--name", "release-2027",
        "--overlap-hours", "24", "--audit-log", audit)).isZero();
    assertThat(run("keys", "revoke", "--trusted-keys", trusted, "--key-id", keyId, "--reason", "laptop lost",
        "--audit-log", audit)).isZero();
    out.getBuffer().setLength(0);

    assertThat(run("artifact", "verify", artifact.toString(), "--trusted-keys", trusted, "--audit-log", audit))
        .isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("KEY_REVOKED").contains("laptop lost");

    Path other = Files.writeString(dir.resolve("next.tar.gz"), "next release");
    run("artifact", "sign", other.toString(), "--key", next, "--store", store, "--audit-log", audit);
    out.getBuffer().setLength(0);
    assertThat(run("artifact", "verify", other.toString(), "--trusted-keys", trusted, "--audit-log", audit)).isZero();
    assertThat(out.toString()).contains("VERIFIED").contains("release-2027");

    out.getBuffer().setLength(0);
    run("keys", "list", "--trusted-keys", trusted);
    assertThat(out.toString()).contains("REVOKED").contains("release-2027").contains("trusted");
  }

  @Test
  void privateKeysNeverReachTheOutputAndMistakesAreUsageErrors() throws Exception {
    String pem = Files.readString(Path.of(key));
    String body = pem.lines().filter(line -> !line.startsWith("-----")).findFirst().orElseThrow();
    assertThat(out.toString()).doesNotContain(body).contains("UNENCRYPTED");

    assertThat(run("keys", "generate", "--key", key)).as("never overwrite a key").isEqualTo(GantryCli.USAGE);
    assertThat(out.toString()).contains("refusing to overwrite");
    assertThat(run("artifact", "verify", "--image", "registry.example/app:latest", "--trusted-keys", trusted))
        .isEqualTo(GantryCli.USAGE);
    assertThat(out.toString()).contains("must name a digest, not a tag");
    assertThat(run("keys", "generate", "--key", dir.resolve("x.key").toString(), "--password-env",
        "GANTRY_TEST_SURELY_UNSET")).isEqualTo(GantryCli.USAGE);
    assertThat(out.toString()).contains("the variable is not set");
    assertThat(List.of(out.toString())).noneMatch(text -> text.contains(body));
  }

  private int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute(args);
  }
}
