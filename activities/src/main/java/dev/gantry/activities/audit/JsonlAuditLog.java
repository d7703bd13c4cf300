package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.FollowUpReview;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit trail as an append-only JSON Lines file, hash-chained: each line carries {@code prevHash}
 * (the {@code hash} of the line before it, 64 zeros for the first) and {@code hash} = sha256 of the line
 * without its {@code hash} field. Editing, dropping or reordering any line breaks the chain at that line
 * ({@link #verify}). Appends are idempotent by event id, so a retried activity writes a line once.
 */
public class JsonlAuditLog implements AuditActivities {
  static final String GENESIS = "0".repeat(64);
  private final ObjectMapper json = new ObjectMapper();
  private final Path file;
  private final Path reviews;

  public JsonlAuditLog(Path file, Path reviews) {
    this.file = file;
    this.reviews = reviews;
  }

  @Override
  public synchronized void append(AuditEvent event) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.READ);
          FileLock lock = channel.lock()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        String prevHash = GENESIS;
        for (String line : lines) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode node = json.readTree(line);
          if (event.eventId().equals(node.path("eventId").asText())) {
            return;
          }
          prevHash = node.path("hash").asText();
        }
        ObjectNode line = json.valueToTree(event);
        line.put("prevHash", prevHash);
        line.put("hash", sha256(json.writeValueAsString(line)));
        channel.position(channel.size());
        channel.write(java.nio.ByteBuffer.wrap(
            (json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String openFollowUpReview(FollowUpReview review) {
    String name = (review.releaseId() + "-" + review.environment() + "-" + review.gate())
        .replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    Path item = reviews.resolve(name);
    try {
      Files.createDirectories(reviews);
      if (!Files.exists(item)) {
        ObjectNode body = json.valueToTree(review);
        body.put("status", "open");
        body.put("task", "Review the emergency override of the " + review.gate() + " gate of "
            + review.environment() + " (incident " + review.incident() + ") within 5 working days.");
        Path tmp = reviews.resolve("." + name + ".tmp");
        Files.write(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
        Files.move(tmp, item, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return item.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the follow-up review " + item + ": " + e.getMessage(), e);
    }
  }

  /** Checks the chain; returns the problems found (empty when the log is intact). */
  public static List<String> verify(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<String> problems = new ArrayList<>();
    String prevHash = GENESIS;
    int number = 0;
    for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      if (raw.isBlank()) {
        continue;
      }
      ObjectNode line;
      try {
        line = (ObjectNode) json.readTree(raw);
      } catch (IOException | ClassCastException e) {
        problems.add("line " + number + ": not a JSON object");
        continue;
      }
      String hash = line.path("hash").asText();
      if (!prevHash.equals(line.path("prevHash").asText())) {
        problems.add("line " + number + ": prevHash does not match the line before (dropped, inserted or"
            + " reordered lines)");
      }
      line.remove("hash");
      if (!hash.equals(sha256(json.writeValueAsString(line)))) {
        problems.add("line " + number + ": content does not match its hash (edited)");
      }
      prevHash = hash;
    }
    return problems;
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
