package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.audit.AuditCheckpoints;
import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.audit.SignatureAuditLog;
import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.workflows.api.audit.AuditEvent;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gantry audit verify} against a worker's anchored trail: the findings of issue #14 fail closed. */
class AnchoredAuditVerifyTest {
  private static final String RELEASE = "release/hello-service/1.4.0";
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private Path trail;
  private Path pub;

  @BeforeEach
  void aWorkerWritesATrail() {
    LocalKeySigner key = new LocalKeySigner(KeyFiles.generate());
    pub = dir.resolve("audit-worker.key.pub");
    KeyFiles.writePublicKeyPem(key.publicKey(), pub);
    trail = dir.resolve("audit/audit.jsonl");
    AuditCheckpoints checkpoints = new AuditCheckpoints(dir.resolve("audit/checkpoints.jws"), key, 100,
        Clock.systemUTC());
    JsonlAuditLog log = new JsonlAuditLog(trail, dir.resolve("reviews"), checkpoints);
    new SignatureAuditLog(dir.resolve("audit/signatures.jsonl"), checkpoints)
        .append(SignatureAuditLog.Entry.of("sign", "done", "worker", key.keyId(), "sha256:abc", "app"));
    String[] kinds = {"release", "gate", "gate", "gate", "gate", "approval", "approval", "override", "approval",
        "deploy", "deploy", "release"};
    for (int i = 0; i < kinds.length; i++) {
      log.append(new AuditEvent(RELEASE + "/run/" + (i + 1), RELEASE, "run", kinds[i], "alice", "production",
          i == 0 ? "started" : i == kinds.length - 1 ? "succeeded" : "accepted", "d" + i, "sha256:abc",
          "2026-12-05T02:00:00Z"));
    }
  }

  @Test
  void anIntactTrailAndItsFolderVerify() {
    assertThat(run("audit", "verify", "--key", pub.toString(), trail.toString())).as(out.toString()).isZero();
    assertThat(out.toString()).contains("intact (12 lines, trail anchored to line 12 by 1 checkpoint(s))");

    out.getBuffer().setLength(0);
    assertThat(run("audit", "verify", "--key", pub.toString(), dir.resolve("audit").toString())).isZero();
    assertThat(out.toString()).contains("audit.jsonl: intact").contains("signatures.jsonl: intact");
  }

  @Test
  void aCutTailFailsNamingTheReleaseAndTheLines() throws Exception {
    Files.write(trail, Files.readAllLines(trail).subList(0, 7));

    assertThat(run("audit", "verify", "--key", pub.toString(), trail.toString())).isEqualTo(GantryCli.FAILED);

    assertThat(out.toString()).contains("TAMPERED: 1 problem(s)")
        .contains("the trail ends at line 7 (event " + RELEASE + "/run/7)").contains("lines 8 to 12 are missing")
        .contains("release " + RELEASE);
  }

  @Test
  void aRemovedTrailIsFoundWhenItsFolderIsVerified() throws Exception {
    Files.delete(dir.resolve("audit/signatures.jsonl"));

    assertThat(run("audit", "verify", "--key", pub.toString(), dir.resolve("audit").toString()))
        .isEqualTo(GantryCli.FAILED);

    assertThat(out.toString()).contains("signatures.jsonl: TAMPERED").contains("the trail was removed");
  }

  @Test
  void aForgedFileOfManyBadLinesPrintsABoundedReport() throws Exception {
    Path forged = dir.resolve("audit/audit.jsonl");
    try (BufferedWriter writer = Files.newBufferedWriter(forged)) {
      for (int i = 0; i < 50_000; i++) {
        writer.write("{\"eventId\":\"forged-" + i + "\",\"prevHash\":\"x\",\"hash\":\"y\"}\n");
      }
    }

    assertThat(run("audit", "verify", "--key", pub.toString(), "--max-problems", "5", forged.toString()))
        .isEqualTo(GantryCli.FAILED);

    assertThat(out.toString().lines().count()).isLessThan(10);
    assertThat(out.toString()).contains("... and ").contains("more problem(s) (--max-problems 5)");
  }

  private int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute(List.of(args).toArray(new String[0]));
  }
}
