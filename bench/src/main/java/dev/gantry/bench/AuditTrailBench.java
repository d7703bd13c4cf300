package dev.gantry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.audit.AuditCheckpoints;
import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.workflows.api.artifact.Sha256;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Builds the files {@code bench/run-audit-verify.sh} verifies: a worker's audit trail of about
 * {@code --size-mb} MB (realistic release events, hash-chained as the worker chains them, a signed checkpoint
 * every 100 lines and at the end of each release of 12 lines), its worker key, and two forgeries of the same
 * size: lines whose chain is broken everywhere, and one single line.
 *
 * <pre>java -cp ... dev.gantry.bench.AuditTrailBench --out DIR [--size-mb 50]</pre>
 */
public final class AuditTrailBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Path out = null;
    long sizeMb = 50;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--size-mb" -> sizeMb = Long.parseLong(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (known: --out DIR, --size-mb N)");
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("--out DIR is required");
    }
    long bytes = sizeMb * 1024 * 1024;
    Path audit = Files.createDirectories(out.resolve("audit"));
    var pair = KeyFiles.generate();
    KeyFiles.writePublicKeyPem(pair.getPublic(), out.resolve("audit-worker.key.pub"));
    LocalKeySigner key = new LocalKeySigner(pair);
    String[] kinds = {"release", "gate", "gate", "gate", "approval", "approval", "override", "follow-up-review",
        "deploy", "deploy", "flag", "release"};
    long lines = 0;
    long checkpoints = 0;
    String prevHash = "0".repeat(64);
    String lastCheckpointLine = "0".repeat(64);
    try (BufferedWriter trail = Files.newBufferedWriter(audit.resolve("audit.jsonl"), StandardCharsets.UTF_8);
        BufferedWriter signed = Files.newBufferedWriter(audit.resolve(AuditCheckpoints.FILE_NAME),
            StandardCharsets.US_ASCII)) {
      long written = 0;
      int release = 0;
      while (written < bytes) {
        release++;
        String releaseId = "release/hello-service/1." + release + ".0";
        for (int i = 0; i < kinds.length && written < bytes; i++) {
          ObjectNode line = JSON.createObjectNode();
          line.put("eventId", releaseId + "/0b7c1d2e-" + release + "/" + (i + 1));
          line.put("releaseId", releaseId);
          line.put("runId", "0b7c1d2e-" + release);
          line.put("kind", kinds[i]);
          line.put("actor", i == 4 ? "alice" : i == 5 ? "bob" : i == 6 ? "erin" : "dana");
          line.put("environment", i == 0 ? null : "production");
          line.put("outcome", i == 0 ? "started" : i == kinds.length - 1 ? "succeeded" : "accepted");
          line.put("detail", "step " + (i + 1) + " of release " + release + ": approved for the change window,"
              + " ticket CHG-" + (100000 + release));
          line.put("artifactDigest", "sha256:" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
          line.put("at", Instant.ofEpochSecond(1_790_000_000L + lines).toString());
          line.put("prevHash", prevHash);
          String hash = Sha256.hex(JSON.writeValueAsBytes(line));
          line.put("hash", hash);
          String text = JSON.writeValueAsString(line);
          trail.write(text);
          trail.write('\n');
          written += text.length() + 1;
          lines++;
          prevHash = hash;
          boolean end = i == kinds.length - 1;
          if (end || lines % 100 == 0) {
            checkpoints++;
            String jws = AuditCheckpoints.sign(new AuditCheckpoints.Checkpoint(AuditCheckpoints.TYPE, checkpoints,
                lastCheckpointLine, Instant.now().toString(), end ? "release-end" : "every-100", releaseId,
                List.of(new AuditCheckpoints.TrailHead("audit.jsonl", lines, hash,
                    line.path("eventId").asText())), null, true), key);
            signed.write(jws);
            signed.write('\n');
            lastCheckpointLine = Sha256.hex(jws.getBytes(StandardCharsets.US_ASCII));
          }
        }
      }
    }
    forgeries(out, bytes);
    System.out.printf("trail: %d lines, %d bytes, %d signed checkpoints (%d bytes)%n", lines,
        Files.size(audit.resolve("audit.jsonl")), checkpoints, Files.size(audit.resolve(AuditCheckpoints.FILE_NAME)));
  }

  /** Two forged trails of the same size beside the real checkpoints: many bad lines, and one huge line. */
  private static void forgeries(Path out, long bytes) throws IOException {
    Path lines = Files.createDirectories(out.resolve("forged-lines"));
    Files.copy(out.resolve("audit/" + AuditCheckpoints.FILE_NAME), lines.resolve(AuditCheckpoints.FILE_NAME));
    try (BufferedWriter forged = Files.newBufferedWriter(lines.resolve("audit.jsonl"))) {
      long written = 0;
      for (long i = 0; written < bytes; i++) {
        String text = "{\"eventId\":\"forged-" + i + "\",\"prevHash\":\"" + "1".repeat(64) + "\",\"hash\":\""
            + "2".repeat(64) + "\",\"detail\":\"" + "z".repeat(120) + "\"}";
        forged.write(text);
        forged.write('\n');
        written += text.length() + 1;
      }
    }
    Path one = Files.createDirectories(out.resolve("forged-one-line"));
    Files.copy(out.resolve("audit/" + AuditCheckpoints.FILE_NAME), one.resolve(AuditCheckpoints.FILE_NAME));
    try (BufferedWriter forged = Files.newBufferedWriter(one.resolve("audit.jsonl"))) {
      forged.write("{\"detail\":\"");
      char[] block = new char[1 << 20];
      java.util.Arrays.fill(block, 'x');
      for (long written = 0; written < bytes; written += block.length) {
        forged.write(block);
      }
      forged.write("\"}\n");
    }
  }
}
