package dev.gantry.activities.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks an audit trail against its hash chain, the worker's signed checkpoints and (optionally) the heads
 * Temporal recorded, in constant memory: the trail and the checkpoint file are streamed side by side one
 * line at a time, lines longer than {@link HashChainedLog#MAX_LINE_BYTES} are skipped unread, and at most
 * {@link Options#maxProblems} problems are kept (the rest are counted).
 *
 * <p>Found: edited lines (content vs hash), dropped, inserted or reordered lines (prevHash), edits re-chained
 * with plain SHA-256 (the hash at a checkpointed or recorded line differs), a cut tail, an emptied or removed
 * trail (fewer lines than a checkpoint or a history says), forged, edited, removed or reordered checkpoints.
 * Not found offline: a tail cut back to an earlier checkpoint together with the checkpoints after it; the
 * heads in Temporal ({@code --history}) find that too.
 */
public final class TrailVerifier {
  private TrailVerifier() {}

  /** A head Temporal recorded as an {@code Audit.append} result, with the release whose history held it. */
  public record RecordedHead(String release, String trail, long sequence, String hash, String eventId) {}

  /**
   * How to verify.
   *
   * @param keys          the worker audit public keys whose checkpoints are trusted (old and new, across a
   *                      rotation)
   * @param checkpoints   the checkpoint file, or null for {@value AuditCheckpoints#FILE_NAME} beside the trail
   * @param requireAnchor a trail without a checkpoint covering it is a problem (fail closed)
   * @param maxProblems   problems kept in the report; more are counted only
   * @param recorded      heads from Temporal histories (any order), or empty
   */
  public record Options(List<PublicKey> keys, Path checkpoints, boolean requireAnchor, int maxProblems,
      List<RecordedHead> recorded) {
    public static Options chainOnly() {
      return new Options(List.of(), null, false, Integer.MAX_VALUE, List.of());
    }

    public static Options anchored(List<PublicKey> keys) {
      return new Options(keys, null, true, 20, List.of());
    }

    public Options withRecorded(List<RecordedHead> heads) {
      return new Options(keys, checkpoints, requireAnchor, maxProblems, heads);
    }

    public Options withMaxProblems(int max) {
      return new Options(keys, checkpoints, requireAnchor, max, recorded);
    }

    public Options withCheckpoints(Path file) {
      return new Options(keys, file, requireAnchor, maxProblems, recorded);
    }
  }

  /**
   * One problem: where (line, and the release and event of that line when it could be read) and what.
   *
   * @param line    line of the trail (0 when the problem is with the checkpoint file or the whole trail)
   * @param release the release (workflow id) the line or checkpoint belongs to, or null
   * @param eventId the event id of the line, or null
   */
  public record Problem(long line, String release, String eventId, String message) {
    /** The message as the chain check has always said it ({@code line N: ...}). */
    public String chainMessage() {
      return message;
    }

    @Override
    public String toString() {
      String where = (release == null ? "" : "release " + release)
          + (eventId == null ? "" : (release == null ? "" : ", ") + "event " + eventId);
      return message + (where.isEmpty() ? "" : " [" + where + "]");
    }
  }

  /**
   * What the verification found.
   *
   * @param lines          lines in the trail (its records)
   * @param lastEventId    the event id of its last line
   * @param checkpoints    checkpoint entries for this trail that were verified and compared
   * @param lastAnchored   the highest line a verified checkpoint or recorded head vouches for
   * @param archived       the trail is an archive (its checkpoint says so), with where it came from
   * @param recordedHeads  heads from Temporal that were compared
   * @param problems       at most {@link Options#maxProblems} problems
   * @param problemCount   all problems found
   */
  public record Report(Path file, long lines, String lastEventId, long checkpoints, long lastAnchored,
      boolean archived, AuditCheckpoints.TrailHead archivedFrom, long recordedHeads, List<Problem> problems,
      long problemCount) {
    public boolean intact() {
      return problemCount == 0;
    }
  }

  /** Keeps the first problems, counts the rest. */
  static final class Problems {
    final List<Problem> kept = new ArrayList<>();
    final int max;
    long count;

    Problems(int max) {
      this.max = max;
    }

    void add(long line, String release, String eventId, String message) {
      count++;
      if (kept.size() < max) {
        kept.add(new Problem(line, release, eventId, message));
      }
    }
  }

  public static Report verify(Path file, Options options) throws IOException {
    Problems problems = new Problems(options.maxProblems());
    Path checkpointFile = options.checkpoints() != null ? options.checkpoints()
        : file.toAbsolutePath().getParent().resolve(AuditCheckpoints.FILE_NAME);
    String trailName = AuditCheckpoints.relative(checkpointFile.toAbsolutePath().getParent(), file);
    boolean anchorWanted = options.requireAnchor();
    List<RecordedHead> recorded = options.recorded().stream()
        .filter(h -> file.getFileName().toString().equals(h.trail()))
        .sorted(Comparator.comparingLong(RecordedHead::sequence)).toList();

    try (CheckpointCursor cursor = anchorWanted && Files.isRegularFile(checkpointFile)
        ? new CheckpointCursor(checkpointFile, trailName, options.keys(), problems) : null) {
      if (anchorWanted && cursor == null) {
        problems.add(0, null, null, "no checkpoint file " + checkpointFile + ": nothing anchors this trail (a cut"
            + " tail or a re-chained edit could not be told); the worker writes one beside its trail");
      }
      boolean exists = Files.isRegularFile(file);
      TrailWalk walk = new TrailWalk(file, problems, cursor, recorded);
      if (exists) {
        walk.run();
      }
      walk.end(exists);
      return new Report(file, walk.lines, walk.lastEventId, walk.compared, walk.lastAnchored,
          walk.archivedFrom != null, walk.archivedFrom, walk.recordedCompared, List.copyOf(problems.kept),
          problems.count);
    }
  }

  /** The trails the last verified checkpoint of {@code checkpointFile} names (relative to its folder). */
  public static List<String> trailsNamedBy(Path checkpointFile, List<PublicKey> keys) throws IOException {
    List<String> names = new ArrayList<>();
    try (CheckpointCursor cursor = new CheckpointCursor(checkpointFile, null, keys, new Problems(0))) {
      for (AuditCheckpoints.Checkpoint c = cursor.nextCheckpoint(); c != null; c = cursor.nextCheckpoint()) {
        names.clear();
        if (c.trails() != null) {
          c.trails().forEach(t -> names.add(t.file()));
        }
      }
    }
    return names;
  }
}
