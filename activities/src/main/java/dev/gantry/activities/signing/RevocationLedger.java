package dev.gantry.activities.signing;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.signing.SignatureRejected.Reason;
import dev.gantry.activities.support.BoundedFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What this worker has seen of its trusted keys files, kept append-only so that a file restored from
 * before a revocation cannot undo it: the highest {@code serial} used of each file, and every revocation
 * any file ever carried. One JSON object a line:
 *
 * <pre>
 * {"file":"/srv/policy/keys/trusted-keys.yaml","serial":7,"seenAt":"..."}
 * {"file":"/srv/policy/keys/trusted-keys.yaml","serial":7,"revoked":"&lt;key id&gt;","at":"...","reason":"laptop lost","seenAt":"..."}
 * </pre>
 *
 * A trusted keys file is refused (never loaded) when its serial is lower than one already used for the same
 * path, or when it lists as trusted a key this worker has seen revoked (in any file). Lines are never
 * rewritten or removed; deleting the ledger forgets, which only the worker's operator can do.
 */
public final class RevocationLedger {
  /** One line per new serial or revocation: a keyring's lifetime of changes fits many times over. */
  static final long MAX_LEDGER_BYTES = 16 * BoundedFiles.MIB;
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);
  /** Threads of one worker share the file; FileLock only keeps other processes out. */
  private static final Object IN_PROCESS = new Object();

  record Line(String file, Long serial, String revoked, String at, String reason, String seenAt) {}

  private final Path ledger;
  private final Clock clock;

  public RevocationLedger(Path ledger, Clock clock) {
    this.ledger = ledger;
    this.clock = clock;
  }

  public Path path() {
    return ledger;
  }

  /**
   * Refuses {@code keys}, read from {@code file}, if it is older than what this worker already used or
   * un-revokes a key; otherwise remembers its serial and revocations. Throws {@link SignatureRejected}
   * with reason {@code TRUSTED_KEYS_ROLLED_BACK}.
   */
  // the file lock is held for the block and released by it; the body never needs to name it
  @SuppressWarnings("try")
  public void admit(Path file, TrustedKeys keys) {
    String name = file.toAbsolutePath().normalize().toString();
    synchronized (IN_PROCESS) {
      try {
        Files.createDirectories(ledger.toAbsolutePath().getParent());
        try (FileChannel channel = FileChannel.open(ledger, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
          Ledger read = read();
          List<Line> seen = read.lines();
          long highest = 0;
          Map<String, Line> revocations = new HashMap<>();
          for (Line line : seen) {
            if (name.equals(line.file()) && line.serial() != null) {
              highest = Math.max(highest, line.serial());
            }
            if (line.revoked() != null) {
              revocations.putIfAbsent(line.revoked(), line);
            }
          }
          if (keys.serial() < highest) {
            throw new SignatureRejected(Reason.TRUSTED_KEYS_ROLLED_BACK, "refusing to load trusted keys " + name
                + ": its serial is " + keys.serial() + ", but this worker already used serial " + highest
                + " of it; an older copy was restored, which could undo a revocation. Restore the newest"
                + " version of the file from the policy repository (serial " + highest + " or later)");
          }
          for (TrustedKey key : keys.keys()) {
            Line revocation = revocations.get(key.id());
            if (revocation != null && !key.revoked()) {
              throw new SignatureRejected(Reason.TRUSTED_KEYS_ROLLED_BACK, "refusing to load trusted keys " + name
                  + ": it trusts key " + key.describe() + ", which this worker saw revoked at " + revocation.at()
                  + " (" + revocation.reason() + ") in " + revocation.file() + " (serial " + revocation.serial()
                  + "); a revocation cannot be undone: restore the file with the revocation, and use a new key");
            }
          }
          List<Line> fresh = new ArrayList<>();
          String now = clock.instant().toString();
          if (keys.serial() > highest) {
            fresh.add(new Line(name, keys.serial(), null, null, null, now));
          }
          for (TrustedKey key : keys.keys()) {
            if (key.revoked() && !revocations.containsKey(key.id())) {
              fresh.add(new Line(name, keys.serial(), key.id(), key.revokedAt().toString(), key.revokedReason(),
                  now));
            }
          }
          if (!fresh.isEmpty()) {
            append(channel, read.intactBytes(), fresh);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("revocation ledger " + ledger + ": " + e.getMessage(), e);
      }
    }
  }

  /** Every revocation this worker has seen, by key id (the first sighting). */
  public Map<String, String> revokedKeys() {
    synchronized (IN_PROCESS) {
      Map<String, String> revoked = new LinkedHashMap<>();
      for (Line line : read().lines()) {
        if (line.revoked() != null) {
          revoked.putIfAbsent(line.revoked(), line.at() + " (" + line.reason() + ")");
        }
      }
      return revoked;
    }
  }

  /** The lines, and how many bytes of the file they fill (a torn last line excluded). */
  record Ledger(List<Line> lines, long intactBytes) {}

  private Ledger read() {
    byte[] bytes;
    try {
      bytes = BoundedFiles.read(ledger, MAX_LEDGER_BYTES);
    } catch (NoSuchFileException e) {
      return new Ledger(List.of(), 0);
    } catch (IOException e) {
      throw new SignatureRejected(Reason.TRUSTED_KEYS_ROLLED_BACK, "the revocation ledger " + ledger + " "
          + BoundedFiles.describe(e) + ": without it no trusted keys file can be checked");
    }
    String content = new String(bytes, StandardCharsets.UTF_8);
    long intact = bytes.length;
    List<Line> lines = new ArrayList<>();
    String[] split = content.split("\n");
    for (int i = 0; i < split.length; i++) {
      if (split[i].isBlank()) {
        continue;
      }
      try {
        lines.add(JSON.readValue(split[i], Line.class));
      } catch (JsonProcessingException e) {
        // A torn last line (a crash mid-append) is the only damage an append can do; anything else is not ours.
        if (i == split.length - 1 && !content.endsWith("\n")) {
          intact -= split[i].getBytes(StandardCharsets.UTF_8).length;
          continue;
        }
        throw new SignatureRejected(Reason.TRUSTED_KEYS_ROLLED_BACK, "the revocation ledger " + ledger
            + " line " + (i + 1) + " is not a ledger line: without it no trusted keys file can be checked");
      }
    }
    return new Ledger(lines, intact);
  }

  private static void append(FileChannel channel, long intactBytes, List<Line> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    long size = intactBytes;
    channel.truncate(size); // drops a torn last line only: every complete line stays as it is
    for (Line line : lines) {
      text.append(JSON.writeValueAsString(line)).append('\n');
    }
    ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
    long position = size;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    channel.force(true);
  }
}
