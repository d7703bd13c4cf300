package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.support.ActorKeys;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gantry approval-token} mints the JWS a Temporal UI signal carries; the profile holds the key. */
class ApprovalTokenCommandTest {
  private static final String DIGEST = "sha256:" + "c".repeat(64);
  private static final ActorKeys ERIN = ActorKeys.generate();
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }

  private Path keyFile() throws Exception {
    return Files.writeString(dir.resolve("erin.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ERIN.pair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void mintsAnOverrideTokenTheReleaseAccepts() throws Exception {
    Run run = run("approval-token", "--signing-key", keyFile().toString(), "--release", "hello-service/1.4.0",
        "--environment", "production", "--digest", DIGEST, "--as", "erin", "--action", "override", "--gate", "window");
    assertThat(run.code()).as(run.err()).isEqualTo(GantryCli.OK);
    String token = run.out().strip();
    ActorTokens.Verdict verdict = ActorTokens.verify(token, ERIN.publicKeyPem(),
        new ActorTokens.Expected("release/hello-service/1.4.0", "production", DIGEST, ActorTokens.OVERRIDE, "window",
            "erin"), Instant.now().getEpochSecond(), 3600);
    assertThat(verdict.problem()).isNull();
    assertThat(verdict.expiresAt() - Instant.now().getEpochSecond()).isBetween(500L, 600L);
  }

  @Test
  void mintsADrainTokenForATrafficOwnerWithoutADigestAndRefusesAReleaseIdForIt() throws Exception {
    String owner = "traffic/hello-service/api.hello.example.com";
    Run run = run("approval-token", "--signing-key", keyFile().toString(), "--release", owner,
        "--environment", "production", "--as", "erin", "--action", "drain", "--region", "us-west-2");
    assertThat(run.code()).as(run.err()).isEqualTo(GantryCli.OK);
    ActorTokens.Verdict verdict = ActorTokens.verify(run.out().strip(), ERIN.publicKeyPem(),
        new ActorTokens.Expected(owner, "production", ActorTokens.NO_ARTIFACT, ActorTokens.DRAIN, "us-west-2", "erin"),
        Instant.now().getEpochSecond(), 3600);
    assertThat(verdict.problem()).isNull();

    Run noRegion = run("approval-token", "--signing-key", keyFile().toString(), "--release", owner,
        "--environment", "production", "--as", "erin", "--action", "failback");
    assertThat(noRegion.code()).isEqualTo(GantryCli.USAGE);
    assertThat(noRegion.err()).contains("--region is required for failback");
    Run release = run("approval-token", "--signing-key", keyFile().toString(), "--release", "hello-service/1.4.0",
        "--environment", "production", "--as", "erin", "--action", "drain", "--region", "us-west-2");
    assertThat(release.code()).isEqualTo(GantryCli.USAGE);
    assertThat(release.err()).contains("--release must be the traffic owner");
    Run noDigest = run("approval-token", "--signing-key", keyFile().toString(), "--release", "hello-service/1.4.0",
        "--environment", "production", "--as", "erin");
    assertThat(noDigest.code()).isEqualTo(GantryCli.USAGE);
    assertThat(noDigest.err()).contains("--digest is required for approve");
  }

  @Test
  void refusesALongLifeAMissingGateAndAMissingKeyWithoutShowingAnyKey() throws Exception {
    String key = keyFile().toString();
    Run tenYears = run("approval-token", "--signing-key", key, "--release", "hello-service/1.4.0",
        "--environment", "production", "--digest", DIGEST, "--as", "erin", "--valid-for", "P3650D");
    assertThat(tenYears.code()).isNotEqualTo(GantryCli.OK);
    assertThat(tenYears.err()).contains("at most PT1H").doesNotContain("PRIVATE KEY");
    Run noGate = run("approval-token", "--signing-key", key, "--release", "hello-service/1.4.0",
        "--environment", "production", "--digest", DIGEST, "--as", "erin", "--action", "override");
    assertThat(noGate.err()).contains("--gate is required for override");
  }

  @Test
  void theProfileSigningKeyIsFoundByFlagEnvironmentAndProfile() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), """
        profiles:
          prod:
            address: temporal.prod:7233
            signingKey: /keys/from-profile.key
        """);
    ConnectionOptions options = new ConnectionOptions();
    new CommandLine(options).parseArgs("--profile", "prod");
    assertThat(options.signingKey(Map.of("GANTRY_CONFIG", config.toString())))
        .isEqualTo(Path.of("/keys/from-profile.key"));
    assertThat(options.signingKey(Map.of("GANTRY_CONFIG", config.toString(), "GANTRY_SIGNING_KEY", "/keys/env.key")))
        .isEqualTo(Path.of("/keys/env.key"));
    ConnectionOptions flag = new ConnectionOptions();
    new CommandLine(flag).parseArgs("--profile", "prod", "--signing-key", "/keys/flag.key");
    assertThat(flag.signingKey(Map.of("GANTRY_CONFIG", config.toString()))).isEqualTo(Path.of("/keys/flag.key"));
    assertThat(new ConnectionOptions().signingKey(Map.of())).isNull();
  }
}
