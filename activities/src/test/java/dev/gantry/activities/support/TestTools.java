package dev.gantry.activities.support;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real peers {@code scripts/test-tools.sh} installs into {@code .tools/}. A test whose tool is missing
 * is skipped (reported as skipped, never as passed), or fails where peers are required ({@link Peers#require}).
 */
public final class TestTools {
  private TestTools() {}

  public static Path root() {
    String tools = System.getenv("GANTRY_TOOLS");
    return (tools != null ? Path.of(tools) : Path.of("..", ".tools")).toAbsolutePath().normalize();
  }

  /**
   * A tool under {@code .tools/}, e.g. {@code bin/cosign}; skips the test (fails it where peers are required)
   * when it is not installed.
   */
  public static Path require(String relative) {
    Path tool = root().resolve(relative);
    Peers.require(Files.isExecutable(tool) || Files.isDirectory(tool),
        relative + " is not installed under " + root() + ": run scripts/test-tools.sh");
    return tool;
  }
}
