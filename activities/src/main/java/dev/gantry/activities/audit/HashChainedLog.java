package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.workflows.api.artifact.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * An append-only JSON Lines file, hash-chained: each line carries {@code prevHash} (the {@code hash} of the
 * line before it, 64 zeros for the first) and {@code hash} = sha256 of the line without its {@code hash}
 * field. Editing, dropping or reordering any line breaks the chain at that line. Appends are idempotent by
 * {@code eventId}, so a retried activity writes a line once; a file lock keeps two workers on one file in
 * order.
 *
 * <p>The chain alone proves nothing against someone who can write the file: a cut tail is still a valid
 * chain, and an edit re-chained with plain SHA-256 is one too. What anchors it is outside the file: the
 * {@link Head} each append returns (kept in Temporal) and the worker's signed {@link AuditCheckpoints}.
 * {@link TrailVerifier} checks all three.
 */
public final class HashChainedLog {
  static final String GENESIS = "0".repeat(64);
  /** No line the worker writes is longer; the verifier refuses longer ones without reading them. */
  public static final int MAX_LINE_BYTES = 256 * 1024;
  /** Text fields are cut to this when a line would pass {@link #MAX_LINE_BYTES}. */
  private static final int SHRUNK_FIELD_CHARS = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;
  private volatile AuditCheckpoints checkpoints;

  /** Where the trail stands after a record: its line number, hash and event id. */
  public record Head(String trail, long sequence, String hash, String eventId) {}

  public HashChainedLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The signed checkpoints that anchor this trail (told of every append). */
  void anchoredBy(AuditCheckpoints checkpoints) {
    this.checkpoints = checkpoints;
  }

  /**
   * What this instance last saw of the file: its size, its last line and every eventId in it with its
   * position. Valid while the file still has that size (appends only grow it; another writer on the same file
   * makes it differ and the file is read again), so an append costs O(1) reads instead of reading the whole
   * file: with one shared log per worker, re-reading made every append O(lines) and a busy worker quadratic.
   */
  private long indexedSize = -1;
  private long indexedCount;
  private String indexedLastHash = GENESIS;
  private String indexedLastEventId;
  private final Map<String, Position> indexedEventIds = new HashMap<>();

  private record Position(long sequence, byte[] hash) {}

  /** Appends the line unless a line with the same {@code eventId} is there already; returns that line's head. */
  public Head append(ObjectNode line) {
    return append(line, null, false);
  }

  /**
   * As {@link #append(ObjectNode)}; then the checkpoints (if any) count the append and sign a checkpoint
   * when one is due, or at once when {@code endOfRelease}.
   */
  Head append(ObjectNode line, String release, boolean endOfRelease) {
    Head head = appendLocked(line);
    AuditCheckpoints anchor = checkpoints;
    if (anchor != null) {
      anchor.appended(release, endOfRelease);
    }
    return head;
  }

  // the file lock is held for the block and released by it; the body never needs to name it
  @SuppressWarnings("try")
  private synchronized Head appendLocked(ObjectNode line) {
    String eventId = line.path("eventId").asText();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.READ);
          FileLock lock = channel.lock()) {
        if (channel.size() != indexedSize) {
          reindex(channel.size());
        }
        if (!eventId.isEmpty() && indexedEventIds.containsKey(eventId)) {
          Position at = indexedEventIds.get(eventId);
          return new Head(trailName(), at.sequence(), HexFormat.of().formatHex(at.hash()), eventId);
        }
        ObjectNode chained = line.deepCopy();
        chained.remove("hash");
        chained.remove("prevHash");
        chained.put("prevHash", indexedLastHash);
        String body = JSON.writeValueAsString(chained);
        if (body.length() * 3L + 200 > MAX_LINE_BYTES) {
          body = JSON.writeValueAsString(shrink(chained));
        }
        String hash = Sha256.hex(body);
        chained.put("hash", hash);
        channel.position(channel.size());
        channel.write(ByteBuffer.wrap((JSON.writeValueAsString(chained) + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        indexedSize = channel.size();
        indexedCount++;
        indexedLastHash = hash;
        indexedLastEventId = eventId.isEmpty() ? null : eventId;
        if (!eventId.isEmpty()) {
          indexedEventIds.put(eventId, new Position(indexedCount, HexFormat.of().parseHex(hash)));
        }
        return new Head(trailName(), indexedCount, hash, indexedLastEventId);
      }
    } catch (IOException e) {
      indexedSize = -1;
      throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
    }
  }

  /** Where the trail stands now (sequence 0 and the genesis hash for a trail with no record yet). */
  // the file lock is held for the block and released by it; the body never needs to name it
  @SuppressWarnings("try")
  public synchronized Head head() {
    if (!Files.exists(file)) {
      return new Head(trailName(), 0, GENESIS, null);
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (channel.size() != indexedSize) {
        reindex(channel.size());
      }
      return new Head(trailName(), indexedCount, indexedLastHash, indexedLastEventId);
    } catch (IOException e) {
      indexedSize = -1;
      throw new UncheckedIOException("cannot read the audit log " + file + ": " + e.getMessage(), e);
    }
  }

  private String trailName() {
    return file.getFileName().toString();
  }

  /** Cuts every long text field so that no line passes the verifier's cap (nothing a release sends is that long). */
  private static ObjectNode shrink(ObjectNode node) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      if (field.getValue().isTextual() && field.getValue().asText().length() > SHRUNK_FIELD_CHARS) {
        String text = field.getValue().asText();
        field.setValue(JSON.getNodeFactory().textNode(text.substring(0, SHRUNK_FIELD_CHARS) + " ... ("
            + (text.length() - SHRUNK_FIELD_CHARS) + " more characters)"));
      } else if (field.getValue().isContainerNode() && field.getValue().toString().length() > SHRUNK_FIELD_CHARS) {
        field.setValue(JSON.getNodeFactory().textNode("(left out: " + field.getValue().toString().length()
            + " characters)"));
      }
    }
    return node;
  }

  /** Reads the file one line at a time (under the caller's lock): its last line and its eventIds. */
  private void reindex(long size) throws IOException {
    indexedSize = -1;
    indexedEventIds.clear();
    indexedCount = 0;
    indexedLastHash = GENESIS;
    indexedLastEventId = null;
    try (BoundedLines lines = new BoundedLines(file, MAX_LINE_BYTES)) {
      for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
        // A record's sequence is its line number: every line counts, as the verifier counts them.
        indexedCount = line.number();
        if (line.tooLong() || line.text().isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line.text());
        } catch (IOException notJson) {
          continue;
        }
        String id = node.path("eventId").asText();
        String hash = node.path("hash").asText();
        indexedLastHash = hash;
        indexedLastEventId = id.isEmpty() ? null : id;
        if (!id.isEmpty() && hash.matches("[0-9a-f]{64}")) {
          indexedEventIds.put(id, new Position(indexedCount, HexFormat.of().parseHex(hash)));
        }
      }
    }
    indexedSize = size;
  }

  /**
   * Checks the chain only (no checkpoints, no heads); returns the problems found (empty when the chain is
   * consistent). A cut tail or a re-chained edit passes this: use {@link TrailVerifier} to know the trail is
   * whole.
   */
  public static List<String> verify(Path file) throws IOException {
    TrailVerifier.Report report = TrailVerifier.verify(file, TrailVerifier.Options.chainOnly());
    return report.problems().stream().map(TrailVerifier.Problem::chainMessage).toList();
  }
}
