package dev.gantry.activities.signing;

/**
 * A key file, PEM text or trusted keys file that cannot be used: unreadable, garbled, a wrong password, a
 * curve other than P-256. The message names the source and the fix; it never holds key bytes or the
 * password, so it may be logged and shown in the Temporal UI.
 */
public final class KeyFileException extends IllegalArgumentException {

  KeyFileException(String source, String problem) {
    super(source + ": " + problem);
  }

  /** Only for causes that cannot carry secrets (I/O errors about the file itself). */
  KeyFileException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
  }
}
