package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.FollowUpReview;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The release audit trail: a {@link HashChainedLog} of {@link AuditEvent}s, and the follow-up reviews. */
public class JsonlAuditLog implements AuditActivities {
  private final ObjectMapper json = new ObjectMapper();
  private final HashChainedLog log;
  private final Path reviews;

  public JsonlAuditLog(Path file, Path reviews) {
    this.log = new HashChainedLog(file);
    this.reviews = reviews;
  }

  @Override
  public void append(AuditEvent event) {
    log.append(json.valueToTree(event));
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
    return HashChainedLog.verify(file);
  }
}
