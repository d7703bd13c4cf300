package dev.gantry.activities.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads files named by configuration, whole but bounded: a file larger than the caller's limit is refused
 * before a byte of it is parsed, and so is anything that is not a regular file (a FIFO would block the
 * activity forever, {@code /dev/zero} would never end).
 *
 * <p>Failures are {@link IOException}s whose {@link #describe} is safe to show: it names what went wrong,
 * never what the file holds.
 */
public final class BoundedFiles {
  public static final long KIB = 1024;
  public static final long MIB = 1024 * KIB;

  private BoundedFiles() {}

  /** The file's bytes; refused with a {@link Refused} when it is not a regular file or exceeds maxBytes. */
  public static byte[] read(Path file, long maxBytes) throws IOException {
    if (!Files.exists(file)) {
      throw new NoSuchFileException(file.toString());
    }
    if (!Files.isRegularFile(file)) {
      throw new Refused("is not a regular file");
    }
    if (Files.size(file) > maxBytes) {
      throw tooLarge(maxBytes);
    }
    try (InputStream in = Files.newInputStream(file)) {
      // Read one byte past the limit: a file that grew after the size check is refused too.
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw tooLarge(maxBytes);
      }
      return bytes;
    }
  }

  /** As {@link #read}, decoded as UTF-8 (malformed bytes become U+FFFD rather than an error quoting them). */
  public static String readString(Path file, long maxBytes) throws IOException {
    return new String(read(file, maxBytes), StandardCharsets.UTF_8);
  }

  /**
   * What went wrong, as the end of a sentence that began with the file's name: "does not exist",
   * "is larger than 1 MiB", ... Never the exception's own message, which may carry more than the path.
   */
  public static String describe(IOException e) {
    if (e instanceof Refused refused) {
      return refused.getMessage();
    }
    if (e instanceof NoSuchFileException) {
      return "does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "cannot be read by the worker (permission denied)";
    }
    return "cannot be read (" + e.getClass().getSimpleName() + ")";
  }

  /** "1 MiB", "64 KiB", "500 bytes": limits as people write them. */
  public static String size(long bytes) {
    if (bytes >= MIB && bytes % MIB == 0) {
      return bytes / MIB + " MiB";
    }
    if (bytes >= KIB && bytes % KIB == 0) {
      return bytes / KIB + " KiB";
    }
    return bytes + " bytes";
  }

  private static Refused tooLarge(long maxBytes) {
    return new Refused("is larger than " + size(maxBytes) + ", the most the worker reads for it");
  }

  /** A file the worker will not read; the message is safe to show after the file's name. */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }
}
