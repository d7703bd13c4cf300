package dev.gantry.activities.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.FollowUpReview;
import dev.gantry.workflows.api.audit.AuditEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlAuditLogTest {
  @TempDir Path dir;

  private JsonlAuditLog log() {
    return new JsonlAuditLog(dir.resolve("audit/audit.jsonl"), dir.resolve("reviews"));
  }

  private static AuditEvent event(int n, String outcome) {
    return new AuditEvent("release/app/1.0/run/" + n, "release/app/1.0", "run", "approval", "alice",
        "production", outcome, "comment " + n, "sha256:abc", "2026-11-29T10:00:0" + n + "Z");
  }

  @Test
  void linesAreChainedAndARetriedAppendWritesOnce() throws IOException {
    JsonlAuditLog log = log();
    log.append(event(1, "accepted"));
    log.append(event(2, "refused"));
    log.append(event(2, "refused"));
    log.append(event(3, "accepted"));

    List<String> lines = Files.readAllLines(dir.resolve("audit/audit.jsonl"));
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0)).contains("\"prevHash\":\"" + "0".repeat(64) + "\"");
    assertThat(JsonlAuditLog.verify(dir.resolve("audit/audit.jsonl"))).isEmpty();
  }

  @Test
  void twoWritersOnOneFileKeepOneChainAndWriteARetriedEventOnce() throws IOException {
    // Two workers (two instances) share the file: each must see the other's lines, not its own cached tail.
    JsonlAuditLog first = log();
    JsonlAuditLog second = log();
    first.append(event(1, "accepted"));
    second.append(event(2, "accepted"));
    first.append(event(3, "accepted"));
    second.append(event(1, "accepted")); // a retry of the first writer's event, on the other worker
    first.append(event(2, "accepted"));
    second.append(event(4, "accepted"));

    Path file = dir.resolve("audit/audit.jsonl");
    assertThat(Files.readAllLines(file)).hasSize(4);
    assertThat(JsonlAuditLog.verify(file)).isEmpty();
  }

  @Test
  void anEditedLineIsFound() throws IOException {
    Path file = writeThree();
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.set(1, lines.get(1).replace("\"refused\"", "\"accepted\""));
    Files.write(file, lines);
    assertThat(JsonlAuditLog.verify(file)).containsExactly("line 2: content does not match its hash (edited)");
  }

  @Test
  void aDroppedLineIsFound() throws IOException {
    Path file = writeThree();
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    lines.remove(1);
    Files.write(file, lines);
    assertThat(JsonlAuditLog.verify(file)).singleElement().asString()
        .startsWith("line 2: prevHash does not match");
  }

  @Test
  void reorderedLinesAreFound() throws IOException {
    Path file = writeThree();
    List<String> lines = new ArrayList<>(Files.readAllLines(file));
    Collections.swap(lines, 1, 2);
    Files.write(file, lines);
    assertThat(JsonlAuditLog.verify(file)).isNotEmpty().allSatisfy(p -> assertThat(p).contains("prevHash"));
  }

  @Test
  void aFollowUpReviewIsOpenedOnce() throws IOException {
    JsonlAuditLog log = log();
    FollowUpReview review = new FollowUpReview("release/app/1.0", "production", "window", "erin",
        "outage fix", "INC-1", "sha256:abc", "2026-11-29T10:00:00Z");
    String first = log.openFollowUpReview(review);
    Files.writeString(Path.of(first), Files.readString(Path.of(first)).replace("\"open\"", "\"done\""));
    String again = log.openFollowUpReview(review);
    assertThat(again).isEqualTo(first);
    assertThat(Files.readString(Path.of(first))).as("a retry does not reopen a closed review")
        .contains("\"done\"").contains("INC-1").contains("Review the emergency override of the window gate");
  }

  @Test
  void aReviewOfAHostileOrHugeReleaseIdStaysOneFileInTheReviewsFolder() throws IOException {
    JsonlAuditLog log = log();
    FollowUpReview traversal = new FollowUpReview("../../../etc/cron.d/x", "..", "window", "erin", "why",
        "INC-2", "sha256:abc", "2026-11-29T10:00:00Z");
    FollowUpReview huge = new FollowUpReview("release/app/" + "9".repeat(400), "production", "window", "erin",
        "why", "INC-3", "sha256:abc", "2026-11-29T10:00:00Z");

    Path first = Path.of(log.openFollowUpReview(traversal));
    Path second = Path.of(log.openFollowUpReview(huge));

    assertThat(List.of(first, second)).allSatisfy(item -> {
      assertThat(item.getParent().getFileName().toString()).isEqualTo("reviews");
      assertThat(item.getFileName().toString().length()).isLessThan(255);
      assertThat(item).exists();
    });
  }

  private Path writeThree() {
    JsonlAuditLog log = log();
    log.append(event(1, "accepted"));
    log.append(event(2, "refused"));
    log.append(event(3, "accepted"));
    return dir.resolve("audit/audit.jsonl");
  }
}
