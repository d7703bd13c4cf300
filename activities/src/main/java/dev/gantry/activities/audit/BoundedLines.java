package dev.gantry.activities.audit;

import java.io.BufferedInputStream;
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
  private long number;

  BoundedLines(Path file, int maxBytes) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
    this.maxBytes = maxBytes;
  }

  /** The next line without its newline, or null at the end of the file. */
  Line next() throws IOException {
    buffer.reset();
    long bytes = 0;
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (bytes < maxBytes) {
        buffer.write(b);
      }
      bytes++;
    }
    if (b == -1 && bytes == 0) {
      return null;
    }
    number++;
    String text = bytes > maxBytes ? null : buffer.toString(StandardCharsets.UTF_8);
    return new Line(number, text, bytes, b == '\n');
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
