package dev.gantry.activities.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.signing.KeyFiles;
import dev.gantry.activities.signing.LocalKeySigner;
import dev.gantry.activities.signing.Signer;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.audit.AuditHead;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of issue #14: a cut tail, an emptied or removed trail and an edit re-chained with plain SHA-256
 * all verified "intact" when the chain was the only check. Each is now found, naming the release and the line.
 */
class AnchoredTrailTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RELEASE = "release/hello-service/1.4.0";
  @TempDir Path dir;
  private Path trail;
  private Path signatures;
  private Signer workerKey;
  private final List<AuditHead> heads = new ArrayList<>();

  @BeforeEach
  void aReleaseWritesItsTrail() {
    trail = dir.resolve("audit/audit.jsonl");
    signatures = dir.resolve("audit/signatures.jsonl");
    workerKey = new LocalKeySigner(KeyFiles.generate());
    AuditCheckpoints checkpoints = checkpoints(workerKey, 5);
    JsonlAuditLog log = new JsonlAuditLog(trail, dir.resolve("reviews"), checkpoints);
    SignatureAuditLog signatureLog = new SignatureAuditLog(signatures, checkpoints);
    signatureLog.append(SignatureAuditLog.Entry.of("sign", "done", "worker", workerKey.keyId(), "sha256:abc", "x"));
    // 12 lines: started, gates, two approvals, an override, the outcome
    String[][] events = {{"release", "dana", "started"}, {"gate", null, "passed"}, {"gate", null, "passed"},
        {"gate", null, "waiting"}, {"approval", "alice", "accepted"}, {"approval", "mallory", "refused"},
        {"approval", "bob", "accepted"}, {"override", "erin", "accepted"}, {"follow-up-review", "erin", "opened"},
        {"deploy", null, "done"}, {"deploy", null, "done"}, {"release", null, "succeeded"}};
    for (int i = 0; i < events.length; i++) {
      AuditEvent event = new AuditEvent(RELEASE + "/run-1/" + (i + 1), RELEASE, "run-1", events[i][0],
          events[i][1], "production", events[i][2], "detail " + i, "sha256:abc", "2026-12-05T02:00:" + (10 + i) + "Z");
      heads.add(log.append(event));
    }
  }

  private AuditCheckpoints checkpoints(Signer key, int every) {
    return new AuditCheckpoints(dir.resolve("audit/" + AuditCheckpoints.FILE_NAME), key, every, Clock.systemUTC());
  }

  private TrailVerifier.Report verify(Path file) throws IOException {
    return TrailVerifier.verify(file, TrailVerifier.Options.anchored(List.of(workerKey.publicKey())));
  }

  private static String problems(TrailVerifier.Report report) {
    return String.join("\n", report.problems().stream().map(Object::toString).toList());
  }

  @Test
  void eachAppendReturnsTheHeadAndARetryReturnsTheSameOne() throws IOException {
    assertThat(heads).extracting(AuditHead::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L,
        11L, 12L);
    assertThat(heads.get(11).trail()).isEqualTo("audit.jsonl");
    assertThat(heads.get(11).eventId()).isEqualTo(RELEASE + "/run-1/12");
    List<String> lines = Files.readAllLines(trail);
    assertThat(lines.get(11)).contains("\"hash\":\"" + heads.get(11).hash() + "\"");

    JsonlAuditLog again = new JsonlAuditLog(trail, dir.resolve("reviews"), checkpoints(workerKey, 5));
    AuditHead retried = again.append(new AuditEvent(RELEASE + "/run-1/5", RELEASE, "run-1", "approval", "alice",
        "production", "accepted", "detail 4", "sha256:abc", "2026-12-05T02:00:14Z"));
    assertThat(retried).isEqualTo(heads.get(4));
    assertThat(Files.readAllLines(trail)).hasSize(12);
  }

  @Test
  void theWholeTrailAndTheSignatureLogVerifyIntact() throws IOException {
    TrailVerifier.Report report = verify(trail);
    assertThat(report.intact()).as(problems(report)).isTrue();
    assertThat(report.lines()).isEqualTo(12);
    assertThat(report.lastAnchored()).as("the release's end was checkpointed").isEqualTo(12);
    assertThat(verify(signatures).intact()).isTrue();
    assertThat(TrailVerifier.trailsNamedBy(dir.resolve("audit/checkpoints.jws"), List.of(workerKey.publicKey())))
        .containsExactly("audit.jsonl", "signatures.jsonl");
  }

  @Test
  void aTailCutToSevenLinesIsFoundNamingTheReleaseAndTheMissingLines() throws IOException {
    List<String> lines = Files.readAllLines(trail);
    Files.write(trail, lines.subList(0, 7));
    assertThat(HashChainedLog.verify(trail)).as("the chain alone still looks whole").isEmpty();

    TrailVerifier.Report report = verify(trail);

    assertThat(report.intact()).isFalse();
    assertThat(problems(report)).contains("the trail ends at line 7 (event " + RELEASE + "/run-1/7)")
        .contains("lines 8 to 12 are missing").contains("of " + RELEASE).contains("event " + RELEASE + "/run-1/12");
  }

  @Test
  void aTrailNoLineWasWrittenToYetIsNotMissing() throws IOException {
    Path quiet = dir.resolve("quiet/audit.jsonl");
    AuditCheckpoints checkpoints = new AuditCheckpoints(dir.resolve("quiet/" + AuditCheckpoints.FILE_NAME),
        workerKey, 1, Clock.systemUTC());
    JsonlAuditLog log = new JsonlAuditLog(quiet, dir.resolve("reviews"), checkpoints);
    new SignatureAuditLog(dir.resolve("quiet/signatures.jsonl"), checkpoints);
    log.append(new AuditEvent(RELEASE + "/run-3/1", RELEASE, "run-3", "release", "dana", null, "started", null,
        null, "2026-12-05T03:00:00Z"));

    TrailVerifier.Report never = verify(dir.resolve("quiet/signatures.jsonl"));

    assertThat(never.intact()).as(problems(never)).isTrue();
    assertThat(never.lines()).isZero();
    assertThat(verify(quiet).intact()).isTrue();
  }

  @Test
  void anEmptiedTrailAndARemovedOneAreFound() throws IOException {
    Files.write(trail, new byte[0]);
    assertThat(HashChainedLog.verify(trail)).isEmpty();
    assertThat(problems(verify(trail))).contains("the trail is empty").contains("lines 1 to 12 are missing");

    Files.delete(signatures);
    assertThat(problems(verify(signatures))).contains("the trail was removed").contains("lines 1 to 1 are missing");
  }

  @Test
  void anEditReChainedWithPlainSha256IsFound() throws Exception {
    rechain(trail, 5, line -> line.put("outcome", "refused").put("actor", "nobody"));
    assertThat(HashChainedLog.verify(trail)).as("a re-chained edit passes the chain").isEmpty();

    TrailVerifier.Report report = verify(trail);

    assertThat(report.intact()).isFalse();
    // checkpoints every 5 appends (the signature log's counts): #1 has line 4, #2 line 9, #3 line 12
    assertThat(problems(report)).contains("line 9: its hash is not the one checkpoint #2")
        .contains("a line from 5 to 9 was edited").contains("release " + RELEASE);
  }

  @Test
  void theRecordedHeadsPinTheExactLineAndFindACutPastTheLastCheckpoint() throws Exception {
    List<TrailVerifier.RecordedHead> recorded = heads.stream().map(h -> new TrailVerifier.RecordedHead(RELEASE,
        h.trail(), h.sequence(), h.hash(), h.eventId())).toList();
    rechain(trail, 10, line -> line.put("detail", "nothing happened"));
    TrailVerifier.Report edited = TrailVerifier.verify(trail,
        TrailVerifier.Options.anchored(List.of(workerKey.publicKey())).withRecorded(recorded));
    assertThat(edited.problems().get(0).toString()).startsWith("line 10: Temporal recorded event " + RELEASE
        + "/run-1/10 here with another hash");

    // cut the tail and the checkpoints after line 10: offline nothing can tell; the history can
    aReleaseWritesItsTrailAgain();
    List<String> lines = Files.readAllLines(trail);
    Files.write(trail, lines.subList(0, 10));
    Path checkpoints = dir.resolve("audit/checkpoints.jws");
    List<String> kept = Files.readAllLines(checkpoints).subList(0, 2); // #1 has line 4, #2 line 9
    Files.write(checkpoints, kept);
    assertThat(verify(trail).intact()).as("a cut back to a checkpoint, checkpoints cut too").isTrue();
    TrailVerifier.Report cut = TrailVerifier.verify(trail,
        TrailVerifier.Options.anchored(List.of(workerKey.publicKey())).withRecorded(recorded));
    assertThat(problems(cut)).contains("Temporal recorded event " + RELEASE + "/run-1/12 as line 12");
  }

  private void aReleaseWritesItsTrailAgain() throws IOException {
    Files.delete(trail);
    Files.delete(signatures);
    Files.delete(dir.resolve("audit/checkpoints.jws"));
    heads.clear();
    aReleaseWritesItsTrail();
  }

  @Test
  void checkpointsForgedWithAnotherKeyOrRemovedAreFound() throws Exception {
    rechain(trail, 3, line -> line.put("actor", "mallory"));
    Path checkpoints = dir.resolve("audit/checkpoints.jws");
    Files.delete(checkpoints);
    assertThat(problems(verify(trail))).contains("no checkpoint file");

    // the forger signs fresh checkpoints with a key of their own
    Signer forger = new LocalKeySigner(KeyFiles.generate());
    AuditCheckpoints forged = checkpoints(forger, 1);
    forged.cover(new HashChainedLog(trail));
    forged.checkpoint("release-end", RELEASE, null);
    assertThat(problems(verify(trail))).contains("signed by key " + forger.keyId())
        .contains("not a worker audit key given to verify with");
  }

  @Test
  void afterARotationBothKeysVerifyTheTrailAndOnlyTheNewOneDoesNot() throws IOException {
    Signer rotated = new LocalKeySigner(KeyFiles.generate());
    JsonlAuditLog log = new JsonlAuditLog(trail, dir.resolve("reviews"), checkpoints(rotated, 100));
    log.append(new AuditEvent(RELEASE + "/run-2/1", RELEASE, "run-2", "release", null, null, "failed", "late",
        null, "2026-12-05T03:00:00Z"));
    assertThat(Files.readAllLines(dir.resolve("audit/checkpoints.jws")).get(3)).as("the new key's checkpoint")
        .isNotEmpty();

    TrailVerifier.Report both = TrailVerifier.verify(trail,
        TrailVerifier.Options.anchored(List.of(workerKey.publicKey(), rotated.publicKey())));
    TrailVerifier.Report newOnly = TrailVerifier.verify(trail,
        TrailVerifier.Options.anchored(List.of(rotated.publicKey())));

    assertThat(both.intact()).as(problems(both)).isTrue();
    assertThat(both.lastAnchored()).isEqualTo(13);
    assertThat(problems(newOnly)).contains("checkpoints.jws line 3: signed by key " + workerKey.keyId());
  }

  @Test
  void anEditedCheckpointOrAReorderedOneIsFound() throws IOException {
    Path checkpoints = dir.resolve("audit/checkpoints.jws");
    List<String> lines = new ArrayList<>(Files.readAllLines(checkpoints));
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    String[] parts = lines.get(0).split("\\.");
    String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("\"sequence\":4", "\"sequence\":3");
    lines.set(0, parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2]);
    java.util.Collections.swap(lines, 1, 2);
    Files.write(checkpoints, lines);

    String found = problems(verify(trail));

    assertThat(found).contains("checkpoints.jws line 1: its signature does not verify")
        .contains("(checkpoints removed, repeated or reordered)");
  }

  @Test
  void aForgedHugeTrailIsReadInConstantMemoryAndItsProblemsAreCounted() throws IOException {
    Path forged = dir.resolve("audit/forged.jsonl");
    try (BufferedWriter out = Files.newBufferedWriter(forged)) {
      out.write("x".repeat(3 * HashChainedLog.MAX_LINE_BYTES)); // one line far over the cap
      out.write('\n');
      for (int i = 0; i < 20_000; i++) {
        out.write("{\"eventId\":\"e" + i + "\",\"prevHash\":\"0\",\"hash\":\"1\"}\n");
      }
    }
    TrailVerifier.Report report = TrailVerifier.verify(forged,
        TrailVerifier.Options.anchored(List.of(workerKey.publicKey())).withMaxProblems(10));

    assertThat(report.problems()).hasSize(10);
    assertThat(report.problemCount()).isGreaterThan(20_000);
    assertThat(report.problems().get(0).toString()).startsWith("line 1: longer than 256 KiB");
    assertThat(report.lines()).isEqualTo(20_001);
  }

  @Test
  void aLineLongerThanTheCapIsNeverWrittenByTheWorker() throws IOException {
    JsonlAuditLog log = new JsonlAuditLog(trail, dir.resolve("reviews"), checkpoints(workerKey, 5));
    log.append(new AuditEvent(RELEASE + "/run-2/1", RELEASE, "run-2", "approval", "x".repeat(300_000),
        "production", "refused", "y".repeat(300_000), null, "2026-12-05T03:00:00Z"));
    TrailVerifier.Report report = verify(trail);
    assertThat(report.intact()).as(problems(report)).isTrue();
    assertThat(Files.readAllLines(trail).get(12).length()).isLessThan(HashChainedLog.MAX_LINE_BYTES);
  }

  /** Edits line {@code number} (1-based) and recomputes every hash from there, as a forger with SHA-256 would. */
  static void rechain(Path file, int number, java.util.function.Consumer<ObjectNode> edit) throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    String prevHash = number == 1 ? "0".repeat(64)
        : JSON.readTree(lines.get(number - 2)).path("hash").asText();
    for (int i = number - 1; i < lines.size(); i++) {
      ObjectNode line = (ObjectNode) JSON.readTree(lines.get(i));
      if (i == number - 1) {
        edit.accept(line);
      }
      line.remove("hash");
      line.put("prevHash", prevHash);
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(JSON.writeValueAsString(line).getBytes(StandardCharsets.UTF_8)));
      line.put("hash", hash);
      lines.set(i, JSON.writeValueAsString(line));
      prevHash = hash;
    }
    Files.write(file, lines);
  }
}
