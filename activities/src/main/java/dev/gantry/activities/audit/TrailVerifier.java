package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import dev.gantry.activities.signing.KeyIds;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

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
  private static final ObjectMapper JSON = new ObjectMapper();

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
  private static final class Problems {
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

  /** One checkpoint's entry for the trail being verified. */
  private record Entry(long number, String at, String reason, String release, AuditCheckpoints.TrailHead head,
      AuditCheckpoints.TrailHead archivedFrom) {
    String says() {
      return "checkpoint #" + number + " (" + at + ", " + reason
          + (release == null ? "" : " of " + release) + ")";
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

    try (Cursor cursor = anchorWanted && Files.isRegularFile(checkpointFile)
        ? new Cursor(checkpointFile, trailName, options.keys(), problems) : null) {
      if (anchorWanted && cursor == null) {
        problems.add(0, null, null, "no checkpoint file " + checkpointFile + ": nothing anchors this trail (a cut"
            + " tail or a re-chained edit could not be told); the worker writes one beside its trail");
      }
      boolean exists = Files.isRegularFile(file);
      Walk walk = new Walk(file, problems, cursor, recorded);
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
    try (Cursor cursor = new Cursor(checkpointFile, null, keys, new Problems(0))) {
      for (AuditCheckpoints.Checkpoint c = cursor.nextCheckpoint(); c != null; c = cursor.nextCheckpoint()) {
        names.clear();
        if (c.trails() != null) {
          c.trails().forEach(t -> names.add(t.file()));
        }
      }
    }
    return names;
  }

  /** The trail, line by line, compared with the checkpoints and the recorded heads as it goes. */
  private static final class Walk {
    final Path file;
    final Problems problems;
    final Cursor cursor;
    final Iterator<RecordedHead> recorded;
    RecordedHead nextRecorded;
    Entry nextEntry;
    Entry lastMatched;
    long lines;
    String lastEventId;
    String prevHash = HashChainedLog.GENESIS;
    long compared;
    long recordedCompared;
    long lastAnchored;
    AuditCheckpoints.TrailHead archivedFrom;
    Entry longest;
    long missingEntries;
    RecordedHead longestRecorded;
    long missingRecorded;
    /** An archived trail: its lines are numbered anew, so heads Temporal recorded for the source do not apply. */
    boolean archivedLines;

    Walk(Path file, Problems problems, Cursor cursor, List<RecordedHead> recorded) throws IOException {
      this.file = file;
      this.problems = problems;
      this.cursor = cursor;
      this.recorded = recorded.iterator();
      this.nextRecorded = this.recorded.hasNext() ? this.recorded.next() : null;
      this.nextEntry = cursor == null ? null : cursor.next();
    }

    void run() throws IOException {
      try (BoundedLines reader = new BoundedLines(file, HashChainedLog.MAX_LINE_BYTES)) {
        for (BoundedLines.Line line = reader.next(); line != null; line = reader.next()) {
          lines = line.number();
          String hash = check(line);
          compare(line.number(), hash);
        }
      }
    }

    /** Checks one line's chain; returns its hash as written (null when it has none). */
    private String check(BoundedLines.Line line) {
      long n = line.number();
      if (line.tooLong()) {
        problems.add(n, null, null, "line " + n + ": longer than " + HashChainedLog.MAX_LINE_BYTES / 1024
            + " KiB (" + line.bytes() + " bytes; the worker writes no such line)");
        prevHash = null;
        return null;
      }
      if (!line.terminated()) {
        problems.add(n, null, null, "line " + n + ": has no newline at its end (cut in the middle of a line)");
      }
      ObjectNode node;
      try {
        JsonNode parsed = JSON.readTree(line.text());
        if (!(parsed instanceof ObjectNode object)) {
          throw new IOException("not an object");
        }
        node = object;
      } catch (IOException e) {
        problems.add(n, null, null, "line " + n + ": not a JSON object");
        prevHash = null;
        return null;
      }
      String release = text(node, "releaseId");
      String eventId = text(node, "eventId");
      lastEventId = eventId;
      String hash = node.path("hash").asText();
      if (prevHash != null && !prevHash.equals(node.path("prevHash").asText())) {
        problems.add(n, release, eventId, "line " + n + ": prevHash does not match the line before (dropped,"
            + " inserted or reordered lines)");
      }
      if (node.has("sourceHash")) {
        archivedLines = true;
        checkArchivedSource(n, node, release, eventId);
      }
      node.remove("hash");
      String written;
      try {
        written = JSON.writeValueAsString(node);
      } catch (IOException e) {
        written = "";
      }
      if (!hash.equals(HashChainedLog.sha256(written))) {
        problems.add(n, release, eventId, "line " + n + ": content does not match its hash (edited)");
      }
      prevHash = hash;
      return hash;
    }

    /** An archived line keeps the hash it had in the trail it was copied from: its content must still match. */
    private void checkArchivedSource(long n, ObjectNode node, String release, String eventId) {
      ObjectNode original = node.deepCopy();
      original.remove("hash");
      original.remove("prevHash");
      String sourceHash = text(original, "sourceHash");
      String sourcePrevHash = text(original, "sourcePrevHash");
      original.remove("sourceLine");
      original.remove("sourceHash");
      original.remove("sourcePrevHash");
      original.put("prevHash", sourcePrevHash);
      try {
        if (sourceHash == null || !sourceHash.equals(HashChainedLog.sha256(JSON.writeValueAsString(original)))) {
          problems.add(n, release, eventId, "line " + n + ": content does not match the hash it had in the"
              + " trail it was archived from (edited)");
        }
      } catch (IOException e) {
        problems.add(n, release, eventId, "line " + n + ": cannot be read as archived");
      }
    }

    private void compare(long n, String hash) throws IOException {
      while (nextEntry != null && nextEntry.head().sequence() <= n) {
        Entry entry = nextEntry;
        if (entry.head().sequence() == n) {
          compared++;
          if (entry.archivedFrom() != null) {
            archivedFrom = entry.archivedFrom();
          }
          if (hash == null || !hash.equals(entry.head().hash())) {
            long from = lastMatched == null ? 1 : lastMatched.head().sequence() + 1;
            problems.add(n, entry.release(), lastEventId, "line " + n + ": its hash is not the one "
                + entry.says() + " signed for it (event " + entry.head().eventId() + "): a line from "
                + from + " to " + n + " was edited, inserted or removed and the chain recomputed");
          } else {
            lastMatched = entry;
            lastAnchored = Math.max(lastAnchored, n);
          }
        }
        nextEntry = cursor.next();
      }
      while (!archivedLines && nextRecorded != null && nextRecorded.sequence() <= n) {
        RecordedHead head = nextRecorded;
        if (head.sequence() == n) {
          recordedCompared++;
          if (hash == null || !hash.equals(head.hash())) {
            problems.add(n, head.release(), head.eventId(), "line " + n + ": Temporal recorded event "
                + head.eventId() + " here with another hash (the history of " + head.release()
                + "): this line or one before it was edited and the chain recomputed, or lines were removed");
          } else {
            lastAnchored = Math.max(lastAnchored, n);
          }
        }
        nextRecorded = recorded.hasNext() ? recorded.next() : null;
      }
    }

    void end(boolean exists) throws IOException {
      while (nextEntry != null) {
        compared++;
        if (nextEntry.archivedFrom() != null) {
          archivedFrom = nextEntry.archivedFrom();
        }
        // a checkpoint taken before a trail's first line says 0 lines: nothing is missing
        if (nextEntry.head().sequence() > lines
            && (longest == null || nextEntry.head().sequence() > longest.head().sequence())) {
          longest = nextEntry;
        }
        if (nextEntry.head().sequence() > lines) {
          missingEntries++;
        }
        nextEntry = cursor.next();
      }
      while (!archivedLines && nextRecorded != null) {
        if (longestRecorded == null || nextRecorded.sequence() > longestRecorded.sequence()) {
          longestRecorded = nextRecorded;
        }
        missingRecorded++;
        nextRecorded = recorded.hasNext() ? recorded.next() : null;
      }
      String state = !exists ? "the trail was removed (no file " + file + ")"
          : lines == 0 ? "the trail is empty"
          : "the trail ends at line " + lines + (lastEventId == null ? "" : " (event " + lastEventId + ")");
      if (longest != null) {
        AuditCheckpoints.TrailHead head = longest.head();
        problems.add(lines + 1, longest.release(), head.eventId(), state + ", but " + longest.says() + " says it had "
            + head.sequence() + " line(s), the last event " + head.eventId() + ": lines " + (lines + 1) + " to "
            + head.sequence() + " are missing (tail cut, file emptied or removed)");
      }
      if (longestRecorded != null) {
        problems.add(lines + 1, longestRecorded.release(), longestRecorded.eventId(), state + ", but Temporal"
            + " recorded event " + longestRecorded.eventId() + " as line " + longestRecorded.sequence()
            + " (the history of " + longestRecorded.release() + "; " + missingRecorded + " recorded line(s)"
            + " missing)");
      }
      if (cursor != null && compared == 0 && lines > 0) {
        problems.add(0, null, null, "no checkpoint covers this trail: nothing anchors it (a cut tail or a"
            + " re-chained edit could not be told)");
      }
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** The checkpoint file, verified line by line; yields the entries for one trail. */
  private static final class Cursor implements Closeable {
    private final BoundedLines lines;
    private final String trail;
    private final Map<String, PublicKey> keys = new HashMap<>();
    private final Map<String, ECDSAVerifier> verifiers = new HashMap<>();
    private JWSObject pending;
    private long pendingLine;
    /** Checkpoints whose signature was checked directly. */
    long verified;
    private final Problems problems;
    private final String name;
    private long lastNumber;
    private String lastLineHash = HashChainedLog.GENESIS;
    private long highest = -1;

    Cursor(Path file, String trail, List<PublicKey> keys, Problems problems) throws IOException {
      this.lines = new BoundedLines(file, AuditCheckpoints.MAX_LINE_BYTES);
      this.trail = trail;
      keys.forEach(key -> this.keys.put(KeyIds.of(key), key));
      this.problems = problems;
      this.name = file.getFileName().toString();
    }

    /** The next verified entry for the trail, or null at the end of the checkpoint file. */
    Entry next() throws IOException {
      for (AuditCheckpoints.Checkpoint c = nextCheckpoint(); c != null; c = nextCheckpoint()) {
        for (AuditCheckpoints.TrailHead head : c.trails() == null ? List.<AuditCheckpoints.TrailHead>of()
            : c.trails()) {
          if (trail.equals(head.file())) {
            if (head.sequence() < highest) {
              problems.add(0, c.release(), null, name + ": checkpoint #" + c.number() + " says " + trail
                  + " had " + head.sequence() + " line(s), fewer than an earlier checkpoint (" + highest
                  + "): the trail was cut and written on");
            }
            highest = Math.max(highest, head.sequence());
            return new Entry(c.number(), c.at(), c.reason(), c.release(), head, c.archivedFrom());
          }
        }
      }
      return null;
    }

    /**
     * The next checkpoint, or null at the end. Its signature is checked when the line after it does not vouch
     * for it (a checkpoint vouches for the one before it when its {@code previous} is that line's hash and
     * {@code previousVerified} is true: the worker wrote or verified it), and always for the last line: so every
     * checkpoint is either verified by its own signature or linked by hashes to a signed one, at the cost of one
     * ECDSA verification per file instead of one per checkpoint. A checkpoint that turns out unproven is a
     * problem, so an intact report never rests on an unproven one.
     */
    AuditCheckpoints.Checkpoint nextCheckpoint() throws IOException {
      for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
        long n = line.number();
        if (line.tooLong()) {
          problems.add(0, null, null, name + " line " + n + ": longer than "
              + AuditCheckpoints.MAX_LINE_BYTES / 1024 + " KiB (not a checkpoint)");
          settlePending(false);
          lastLineHash = null;
          continue;
        }
        String text = line.text();
        String previousLine = lastLineHash;
        lastLineHash = HashChainedLog.sha256(text);
        JWSObject jws;
        AuditCheckpoints.Checkpoint checkpoint;
        try {
          jws = JWSObject.parse(text);
          if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())) {
            problems.add(0, null, null, name + " line " + n + ": not signed with ES256");
            settlePending(false);
            continue;
          }
          checkpoint = JSON.readValue(jws.getPayload().toString(), AuditCheckpoints.Checkpoint.class);
        } catch (ParseException | IOException | RuntimeException e) {
          problems.add(0, null, null, name + " line " + n + ": not a signed checkpoint");
          settlePending(false);
          continue;
        }
        if (!AuditCheckpoints.TYPE.equals(checkpoint.type())) {
          problems.add(0, null, null, name + " line " + n + ": not a checkpoint (type " + checkpoint.type() + ")");
          settlePending(false);
          continue;
        }
        boolean follows = previousLine != null && previousLine.equals(checkpoint.previous());
        if (checkpoint.number() != lastNumber + 1) {
          problems.add(0, checkpoint.release(), null, name + " line " + n + ": checkpoint #" + checkpoint.number()
              + " follows #" + lastNumber + " (checkpoints removed, repeated or reordered)");
        } else if (!follows) {
          problems.add(0, checkpoint.release(), null, name + " line " + n + ": checkpoint #" + checkpoint.number()
              + " does not follow the line before it (a checkpoint was replaced)");
        }
        settlePending(follows && Boolean.TRUE.equals(checkpoint.previousVerified()));
        pending = jws;
        pendingLine = n;
        lastNumber = checkpoint.number();
        return checkpoint;
      }
      settlePending(false);
      return null;
    }

    /** The checkpoint before: vouched for by the one after it, or its own signature must verify. */
    private void settlePending(boolean vouched) {
      JWSObject jws = pending;
      pending = null;
      if (jws == null || vouched) {
        return;
      }
      verified++;
      String kid = jws.getHeader().getKeyID();
      PublicKey key = kid == null ? null : keys.get(kid);
      if (key == null) {
        problems.add(0, null, null, name + " line " + pendingLine + ": signed by key " + kid
            + ", which is not a worker audit key given to verify with (--key)");
        return;
      }
      try {
        ECDSAVerifier verifier = verifiers.get(kid);
        if (verifier == null) {
          verifier = new ECDSAVerifier((ECPublicKey) key);
          verifiers.put(kid, verifier);
        }
        if (!jws.verify(verifier)) {
          problems.add(0, null, null, name + " line " + pendingLine + ": its signature does not verify (edited or"
              + " forged checkpoint)");
        }
      } catch (JOSEException | ClassCastException | IllegalStateException e) {
        problems.add(0, null, null, name + " line " + pendingLine + ": its signature cannot be checked with the"
            + " given key");
      }
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }
}
