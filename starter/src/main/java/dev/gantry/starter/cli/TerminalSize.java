package dev.gantry.starter.cli;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The size of the terminal the CLI runs in, asked of {@code stty size} on {@code /dev/tty} (so it is right
 * even when the terminal was resized since the start); else {@code $COLUMNS} x {@code $LINES}; else 80x24.
 */
final class TerminalSize {
  final int columns;
  final int rows;

  private TerminalSize(int columns, int rows) {
    this.columns = columns;
    this.rows = rows;
  }

  static TerminalSize now() {
    try {
      Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      String answer = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
      if (stty.waitFor(2, TimeUnit.SECONDS) && stty.exitValue() == 0) {
        String[] parts = answer.split("\\s+");
        if (parts.length == 2) {
          int rows = Integer.parseInt(parts[0]);
          int columns = Integer.parseInt(parts[1]);
          if (rows > 0 && columns > 0) {
            return new TerminalSize(columns, rows);
          }
        }
      }
    } catch (java.io.IOException | NumberFormatException notATerminal) {
      // fall through to the environment
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new TerminalSize(number(System.getenv("COLUMNS"), 80), number(System.getenv("LINES"), 24));
  }

  private static int number(String value, int otherwise) {
    try {
      int parsed = value == null ? otherwise : Integer.parseInt(value.trim());
      return parsed > 0 ? parsed : otherwise;
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }
}
