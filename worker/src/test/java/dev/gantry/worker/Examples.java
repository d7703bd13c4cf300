package dev.gantry.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Copies of the repository's example release for end-to-end tests. */
final class Examples {
  private Examples() {}

  /**
   * The example, with production frozen for good, so a test gets past its deployment window only by an
   * emergency override whatever the day and hour. Returns the copied release spec.
   */
  static Path frozenCopy(Path into) throws IOException {
    Path source = Path.of("..", "examples");
    try (var files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = into.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Path production = into.resolve("environments/production/config.yaml");
    Files.writeString(production, Files.readString(production).replace("  freezes:\n",
        "  freezes:\n    - {from: \"2020-01-01\", to: \"2099-12-31\", reason: test freeze}\n"));
    dev.gantry.activities.signing.DemoKeys.ensure(into);
    return into.resolve("release.yaml");
  }
}
