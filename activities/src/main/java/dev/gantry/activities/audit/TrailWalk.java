package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.audit.CheckpointCursor.Entry;
import dev.gantry.activities.audit.TrailVerifier.RecordedHead;
import dev.gantry.workflows.api.artifact.Sha256;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/** The trail, line by line, compared with the checkpoints and the recorded heads as it goes. */
final class TrailWalk {
  private static final ObjectMapper JSON = new ObjectMapper();

  final Path file;
  final TrailVerifier.Problems problems;
  final CheckpointCursor cursor;
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

  TrailWalk(Path file, TrailVerifier.Problems problems, CheckpointCursor cursor, List<RecordedHead> recorded) throws IOException {
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
    if (!hash.equals(Sha256.hex(written))) {
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
      if (sourceHash == null || !sourceHash.equals(Sha256.hex(JSON.writeValueAsString(original)))) {
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

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
