package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.support.ConfinedPaths;
import dev.gantry.workflows.api.approval.FollowUpReview;
import dev.gantry.workflows.api.artifact.Sha256;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.audit.AuditHead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The release audit trail: a {@link HashChainedLog} of {@link AuditEvent}s, and the follow-up reviews. Each
 * append returns the trail's head ({@link AuditHead}), which the workflow keeps and Temporal records; with
 * {@link AuditCheckpoints} the worker signs a checkpoint every N appends and at the end of each release.
 */
public class JsonlAuditLog implements AuditActivities {
  private static final int MAX_NAME_CHARS = 200;
  private final ObjectMapper json = new ObjectMapper();
  private final HashChainedLog log;
  private final Path reviews;

  /** A trail no checkpoint anchors: for tests of other things; the worker always anchors its trail. */
  public JsonlAuditLog(Path file, Path reviews) {
    this(file, reviews, null);
  }

  /** The trail, covered by the worker's signed checkpoints (null: none). */
  public JsonlAuditLog(Path file, Path reviews, AuditCheckpoints checkpoints) {
    this.log = new HashChainedLog(file);
    this.reviews = reviews;
    if (checkpoints != null) {
      checkpoints.cover(log);
    }
  }

  @Override
  public AuditHead append(AuditEvent event) {
    HashChainedLog.Head head = log.append(json.valueToTree(event), event.releaseId(), endsARelease(event));
    return new AuditHead(head.trail(), head.sequence(), head.hash(), head.eventId());
  }

  /** The last event a release writes: its outcome. A checkpoint is signed right after it. */
  static boolean endsARelease(AuditEvent event) {
    return "release".equals(event.kind()) && event.outcome() != null && !"started".equals(event.outcome());
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
      name = name.substring(0, MAX_NAME_CHARS) + "-" + Sha256.hex(key).substring(0, 16);
    }
    return name + ".json";
  }

  /**
   * Checks the chain only; returns the problems found. A cut tail or a re-chained edit passes: {@link
   * TrailVerifier} with the worker's key finds those.
   */
  public static List<String> verify(Path file) throws IOException {
    return HashChainedLog.verify(file);
  }
}
