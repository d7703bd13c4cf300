package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.audit.SignatureAuditLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuditCommandTest {
  @TempDir Path dir;
  private Path log;
  private final StringWriter out = new StringWriter();

  @BeforeEach
  void writeLog() {
    log = dir.resolve("signatures.jsonl");
    SignatureAuditLog audit = new SignatureAuditLog(log);
    audit.append(SignatureAuditLog.Entry.of("key-generate", "done", "dana", "kid-1", null, "release.key"));
    audit.append(SignatureAuditLog.Entry.of("sign", "done", "dana", "kid-1", "sha256:aa", "app.tar.gz"));
    audit.append(SignatureAuditLog.Entry.of("verify", "pass", "dana", "kid-1", "sha256:aa", "production"));
  }

  @Test
  void anIntactOperatorsLogPassesTheChainCheckAndSaysItIsNotAnchored() {
    assertThat(run("audit", "verify", "--chain-only", log.toString())).isZero();
    assertThat(out.toString()).contains("intact (3 lines, chain verified; NOT anchored");
  }

  @Test
  void withoutTheWorkersKeyOrChainOnlyItIsAUsageErrorAndWithTheKeyAnUnanchoredLogFails() throws Exception {
    assertThat(run("audit", "verify", log.toString())).isEqualTo(GantryCli.USAGE);
    assertThat(out.toString()).contains("give --key");

    out.getBuffer().setLength(0);
    Path pub = dir.resolve("worker.pub");
    dev.gantry.activities.signing.KeyFiles.writePublicKeyPem(
        dev.gantry.activities.signing.KeyFiles.generate().getPublic(), pub);
    assertThat(run("audit", "verify", "--key", pub.toString(), log.toString())).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("TAMPERED").contains("no checkpoint file");
  }

  @Test
  void anEditedLineIsFoundAndNamed() throws Exception {
    List<String> lines = Files.readAllLines(log);
    lines.set(1, lines.get(1).replace("sha256:aa", "sha256:bb"));
    Files.write(log, lines);

    assertThat(run("audit", "verify", "--chain-only", log.toString())).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("TAMPERED").contains("line 2: content does not match its hash (edited)");
  }

  @Test
  void aDroppedOrReorderedLineBreaksTheChain() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(1);
    Files.write(log, lines);
    assertThat(run("audit", "verify", "--chain-only", log.toString())).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("line 2: prevHash does not match the line before");

    writeLog();
    lines = new ArrayList<>(Files.readAllLines(dir.resolve("signatures.jsonl")));
    Files.delete(log);
    writeLog();
    lines = new ArrayList<>(Files.readAllLines(log));
    Collections.swap(lines, 0, 2);
    Files.write(log, lines);
    out.getBuffer().setLength(0);
    assertThat(run("audit", "verify", "--chain-only", log.toString())).isEqualTo(GantryCli.FAILED);
    assertThat(out.toString()).contains("line 1: prevHash does not match");
  }

  @Test
  void jsonForScriptsAndAMissingFileIsAUsageError() throws Exception {
    assertThat(run("audit", "verify", "--chain-only", "--output", "json", log.toString())).isZero();
    JsonNode report = new ObjectMapper().readTree(out.toString());
    assertThat(report.path("intact").asBoolean()).isTrue();
    assertThat(report.path("lines").asInt()).isEqualTo(3);

    out.getBuffer().setLength(0);
    assertThat(run("audit", "verify", "--chain-only", "--output", "json", dir.resolve("nope.jsonl").toString()))
        .isEqualTo(GantryCli.USAGE);
    assertThat(new ObjectMapper().readTree(out.toString()).path("error").asText()).contains("does not exist");
  }

  private int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    return cli.execute(args);
  }
}
