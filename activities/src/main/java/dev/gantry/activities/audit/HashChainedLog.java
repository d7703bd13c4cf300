package dev.gantry.activities.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
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
 * An append-only JSON Lines file, hash-chained: each line carries {@code prevHash} (the {@code hash} of the
 * line before it, 64 zeros for the first) and {@code hash} = sha256 of the line without its {@code hash}
 * field. Editing, dropping or reordering any line breaks the chain at that line ({@link #verify}). Appends
 * are idempotent by {@code eventId}, so a retried activity writes a line once; a file lock keeps two
 * workers on one file in order.
 */
public final class HashChainedLog {
  static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  public HashChainedLog(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * What this instance last saw of the file: its size, the hash of its last line and every eventId in it.
   * Valid while the file still has that size (appends only grow it; another writer on the same file makes it
   * differ and the file is read again), so an append costs O(1) reads instead of reading the whole file:
   * with one shared log per worker, re-reading made every append O(lines) and a busy worker quadratic.
   */
  private long indexedSize = -1;
  private String indexedLastHash = GENESIS;
  private final java.util.Set<String> indexedEventIds = new java.util.HashSet<>();

  /** Appends the line unless a line with the same {@code eventId} is there already. */
  public synchronized void append(ObjectNode line) {
    String eventId = line.path("eventId").asText();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.READ);
          FileLock lock = channel.lock()) {
        if (channel.size() != indexedSize) {
          reindex(channel.size());
        }
        if (!eventId.isEmpty() && indexedEventIds.contains(eventId)) {
          return;
        }
        ObjectNode chained = line.deepCopy();
        chained.remove("hash");
        chained.put("prevHash", indexedLastHash);
        String hash = sha256(JSON.writeValueAsString(chained));
        chained.put("hash", hash);
        channel.position(channel.size());
        channel.write(ByteBuffer.wrap((JSON.writeValueAsString(chained) + "\n").getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
        indexedSize = channel.size();
        indexedLastHash = hash;
        if (!eventId.isEmpty()) {
          indexedEventIds.add(eventId);
        }
      }
    } catch (IOException e) {
      indexedSize = -1;
      throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads the whole file (under the caller's lock): its last hash and its eventIds. */
  private void reindex(long size) throws IOException {
    indexedSize = -1;
    indexedEventIds.clear();
    String prevHash = GENESIS;
    for (String existing : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (existing.isBlank()) {
        continue;
      }
      JsonNode node = JSON.readTree(existing);
      String id = node.path("eventId").asText();
      if (!id.isEmpty()) {
        indexedEventIds.add(id);
      }
      prevHash = node.path("hash").asText();
    }
    indexedLastHash = prevHash;
    indexedSize = size;
  }

  /** Checks the chain; returns the problems found (empty when the log is intact). */
  public static List<String> verify(Path file) throws IOException {
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
        line = (ObjectNode) JSON.readTree(raw);
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
      if (!hash.equals(sha256(JSON.writeValueAsString(line)))) {
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
