package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.starter.cli.GantryCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The offline report over a real release: the example release runs on the real Temporal dev server with the
 * worker (emergency override of production's window, one approval by update through the CLI, one by an
 * {@code approve} signal sent with the real {@code temporal} CLI, as the Temporal UI sends it), its history
 * is exported with {@code temporal workflow show --output json}, and {@code gantry release report --offline}
 * reads that export, the worker's audit trail and its signature log.
 *
 * <p>With {@code -Dgantry.report.fixtures=DIR} the three files of the first release are also copied to DIR
 * (an absolute path: the test runs in {@code worker/}): that is how {@code starter/src/test/resources/report/}
 * was made, and how to make it again when the trail's or the history's shape changes:
 * {@code ./mvnw -o -q -pl worker -am verify -Dtest=OfflineReportEndToEndTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dgantry.report.fixtures=$PWD/starter/src/test/resources/report}.
 */
@RealPeers
class OfflineReportEndToEndTest {
  private static final String ID = "release/hello-service/1.4.0";
  private static final String REJECTED = "release/hello-service/1.5.0";
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aRealReleaseExportedWithTheTemporalCliIsReportedConsistentOffline() throws Exception {
    Path spec = Examples.frozenCopy(dir.resolve("example"));
    Path policy = Examples.policy(dir.resolve("example"));
    Path trail = dir.resolve("audit/audit.jsonl");
    Path signatures = dir.resolve("audit/signatures.jsonl");
    Path history = dir.resolve("history.json");
    Path rejectedHistory = dir.resolve("history-1.5.0.json");
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy,
            "--gantry.audit.path=" + trail, "--gantry.audit.signatures-path=" + signatures,
            "--gantry.signing.store=" + dir.resolve("signatures"), "--gantry.reviews.path=" + dir.resolve("reviews"),
            "--gantry.environments.archive=" + dir.resolve("archive"))) {
      String address = temporal.address();
      CliEndToEndTest.Run started = CliEndToEndTest.cli("release", "start", spec.toString(), "--address", address,
          "-o", "json");
      assertThat(started.exitCode()).as(started.err()).isZero();
      String digest = json.readTree(started.out()).get("artifactDigest").asText();

      awaitStage(address, "window:production");
      CliEndToEndTest.Run override = CliEndToEndTest.cli("release", "override", ID, "--as", "erin", "--gate",
          "window", "--justification", "customer-facing outage fix", "--incident", "INC-4711", "--address", address);
      assertThat(override.exitCode()).as(override.err()).isZero();
      awaitStage(address, "approval:production");
      CliEndToEndTest.Run alice = CliEndToEndTest.cli("release", "approve", ID, "--as", "alice", "--comment",
          "checked the canary plan", "--address", address);
      assertThat(alice.exitCode()).as(alice.err()).isZero();
      // bob approves as the Temporal UI does: an approve signal, one JSON object
      run(TemporalPeer.devServerBinary().toString(), "workflow", "signal", "--address", address,
          "--namespace", "default", "--workflow-id", ID, "--name", "approve", "--input",
          "{\"approver\": \"bob\", \"digest\": \"" + digest + "\", \"comment\": \"ship it\"}");

      CliEndToEndTest.Run watched = CliEndToEndTest.cli("release", "watch", ID, "--address", address,
          "--timeout", "PT3M");
      assertThat(watched.exitCode()).as(watched.out() + watched.err()).isZero();

      Files.writeString(history, run(TemporalPeer.devServerBinary().toString(), "workflow", "show",
          "--address", address, "--namespace", "default", "--workflow-id", ID, "--output", "json"));

      // the live report: approval times, and each region's signature check from the region's own history
      CliEndToEndTest.Run live = CliEndToEndTest.cli("release", "report", ID, "--address", address);
      assertThat(live.exitCode()).as(live.out() + live.err()).isZero();
      assertThat(live.out()).containsPattern("alice +accepted +20\\d\\d-\\d\\d-\\d\\dT[0-9:.]+Z +production: checked")
          .contains("region signature checks").containsPattern("production/eu-west-1 +pass +20\\d\\d-");
      JsonNode liveJson = json.readTree(CliEndToEndTest.cli("release", "report", ID, "--address", address, "-o",
          "json").out());
      assertThat(liveJson.get("regionVerifications")).hasSize(7)
          .allSatisfy(check -> assertThat(check.get("outcome").asText()).isEqualTo("pass"));

      // a second release, rejected at production's approval gate: FAILED in the history, 'failed' in the trail
      Path rejectedSpec = Files.writeString(spec.resolveSibling("release-1.5.0.yaml"),
          Files.readString(spec).replace("version: 1.4.0", "version: 1.5.0"));
      CliEndToEndTest.Run second = CliEndToEndTest.cli("release", "start", rejectedSpec.toString(), "--address",
          address);
      assertThat(second.exitCode()).as(second.err()).isZero();
      awaitStage(REJECTED, address, "window:production");
      assertThat(CliEndToEndTest.cli("release", "override", REJECTED, "--as", "erin", "--gate", "window",
          "--justification", "customer-facing outage fix", "--incident", "INC-4712", "--address", address)
          .exitCode()).isZero();
      awaitStage(REJECTED, address, "approval:production");
      run(TemporalPeer.devServerBinary().toString(), "workflow", "signal", "--address", address,
          "--namespace", "default", "--workflow-id", REJECTED, "--name", "approve", "--input",
          "{\"approver\": \"bob\", \"digest\": \"" + digest + "\", \"comment\": \"fine by me\"}");
      CliEndToEndTest.Run reject = CliEndToEndTest.cli("release", "reject", REJECTED, "--as", "alice", "--reason",
          "error budget exhausted", "--address", address);
      assertThat(reject.exitCode()).as(reject.err()).isZero();
      assertThat(CliEndToEndTest.cli("release", "watch", REJECTED, "--address", address, "--timeout", "PT1M")
          .exitCode()).isEqualTo(GantryCli.FAILED);
      Files.writeString(rejectedHistory, run(TemporalPeer.devServerBinary().toString(), "workflow", "show",
          "--address", address, "--namespace", "default", "--workflow-id", REJECTED, "--output", "json"));
    }

    // the rejected release agrees with the same trail and signature log (which also hold the first release)
    CliEndToEndTest.Run failed = CliEndToEndTest.cli("release", "report", "--offline", "--history",
        rejectedHistory.toString(), "--audit", trail.toString(), "--signatures", signatures.toString(), "-o", "json");
    assertThat(failed.exitCode()).as(failed.out() + failed.err()).isZero();
    JsonNode failedReport = json.readTree(failed.out());
    assertThat(failedReport.at("/outcome/history").asText()).isEqualTo("FAILED");
    assertThat(failedReport.at("/outcome/trail").asText()).isEqualTo("failed");
    assertThat(failedReport.at("/outcome/failureReason").asText()).contains("error budget exhausted");
    assertThat(failedReport.at("/approvals/0/approver").asText()).isEqualTo("bob");
    assertThat(failedReport.at("/approvals/0/accepted").asBoolean()).isTrue();
    assertThat(failedReport.get("regions")).hasSize(3); // dev and staging: production never deployed

    // offline: no Temporal, no worker; the three files agree
    CliEndToEndTest.Run offline = CliEndToEndTest.cli("release", "report", "--offline", "--history",
        history.toString(), "--audit", trail.toString(), "--signatures", signatures.toString(), "-o", "json");
    assertThat(offline.exitCode()).as(offline.out() + offline.err()).isZero();
    JsonNode report = json.readTree(offline.out());
    assertThat(report.get("consistent").asBoolean()).isTrue();
    assertThat(report.get("releaseId").asText()).isEqualTo(ID);
    assertThat(report.get("approvals")).extracting(approval -> approval.get("approver").asText() + " by "
        + approval.get("via").asText()).containsExactly("alice by update", "bob by signal");
    assertThat(report.at("/overrides/0/incident").asText()).isEqualTo("INC-4711");
    assertThat(report.get("regions")).hasSize(7)
        .allSatisfy(region -> assertThat(region.get("verification").asText()).isEqualTo("pass"));

    // the signature log of another worker (here: none of this release's lines) disagrees
    Path foreign = Files.writeString(dir.resolve("foreign.jsonl"), "");
    CliEndToEndTest.Run disagreeing = CliEndToEndTest.cli("release", "report", "--offline", "--history",
        history.toString(), "--audit", trail.toString(), "--signatures", foreign.toString());
    assertThat(disagreeing.exitCode()).isEqualTo(GantryCli.FAILED);
    assertThat(disagreeing.out()).contains("signature log: no line of " + ID);
    String fixtures = System.getProperty("gantry.report.fixtures");
    if (fixtures != null && !fixtures.isBlank()) {
      Path into = Files.createDirectories(Path.of(fixtures));
      Files.copy(history, into.resolve("history.json"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(trail, into.resolve("audit.jsonl"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(signatures, into.resolve("signatures.jsonl"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void awaitStage(String address, String stage) throws Exception {
    awaitStage(ID, address, stage);
  }

  private void awaitStage(String id, String address, String stage) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      CliEndToEndTest.Run run = CliEndToEndTest.cli("release", "status", id, "--address", address, "-o", "json");
      if (run.exitCode() == 0 && stage.equals(json.readTree(run.out()).get("stage").asText())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("release never reached " + stage);
  }

  /** Runs a program to its end; returns its standard output; fails the test on a non-zero exit. */
  static String run(String... command) throws Exception {
    Process process = new ProcessBuilder(List.of(command)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
    return new String(out, java.nio.charset.StandardCharsets.UTF_8);
  }
}
