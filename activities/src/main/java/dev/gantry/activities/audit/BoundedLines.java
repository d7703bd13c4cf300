package dev.gantry.activities.audit;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a file one line at a time in constant memory: a line longer than the cap is never held, only
 * measured and skipped, so a forged trail of one 50 MB line costs the reader a buffer, not 50 MB.
 */
final class BoundedLines implements Closeable {
  /** One line: its number (1-based), its text (null when it was longer than the cap) and its length. */
  record Line(long number, String text, long bytes, boolean terminated) {
    boolean tooLong() {
      return text == null;
    }
  }

  private final InputStream in;
  private final int maxBytes;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
  private final byte[] chunk = new byte[64 * 1024];
  private int position;
  private int limit;
  private boolean ended;
  private long number;

  BoundedLines(Path file, int maxBytes) throws IOException {
    this.in = Files.newInputStream(file);
    this.maxBytes = maxBytes;
  }

  /** The next line without its newline, or null at the end of the file. */
  Line next() throws IOException {
    buffer.reset();
    long bytes = 0;
    boolean terminated = false;
    while (true) {
      if (position == limit) {
        int read = ended ? -1 : in.read(chunk);
        if (read <= 0) {
          ended = true;
          break;
        }
        position = 0;
        limit = read;
      }
      int start = position;
      int end = start;
      while (end < limit && chunk[end] != '\n') {
        end++;
      }
      int length = end - start;
      if (bytes < maxBytes) {
        buffer.write(chunk, start, (int) Math.min(length, maxBytes - bytes));
      }
      bytes += length;
      if (end < limit) {
        position = end + 1;
        terminated = true;
        break;
      }
      position = limit;
    }
    if (!terminated && bytes == 0) {
      return null;
    }
    number++;
    String text = bytes > maxBytes ? null : buffer.toString(StandardCharsets.UTF_8);
    return new Line(number, text, bytes, terminated);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
