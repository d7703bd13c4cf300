package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.FollowUpReview;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The release audit trail: a {@link HashChainedLog} of {@link AuditEvent}s, and the follow-up reviews. */
public class JsonlAuditLog implements AuditActivities {
  private static final int MAX_NAME_CHARS = 200;
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
    String name = reviewFileName(review);
    Path item = ConfinedPaths.inside(reviews, name);
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

  /**
   * One plain file name per (release, environment, gate): unsafe characters replaced, and a name too long
   * for the file system shortened with a digest of the whole, so a long release id still gets its review.
   */
  static String reviewFileName(FollowUpReview review) {
    String key = review.releaseId() + "-" + review.environment() + "-" + review.gate();
    String name = key.replaceAll("[^A-Za-z0-9._-]", "_");
    if (name.length() > MAX_NAME_CHARS) {
      name = name.substring(0, MAX_NAME_CHARS) + "-" + Digests.sha256(key.getBytes(StandardCharsets.UTF_8))
          .substring("sha256:".length(), "sha256:".length() + 16);
    }
    return name + ".json";
  }

  /** Checks the chain; returns the problems found (empty when the log is intact). */
  public static List<String> verify(Path file) throws IOException {
    return HashChainedLog.verify(file);
  }
}
