package dev.gantry.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Copies of the repository's example (the request {@code release.yaml} and the platform policy
 * {@code policy/}) for end-to-end tests. In a copy, everything the release touches stays inside it: the
 * policy's target root ({@code roots.targets}, and each environment's {@code target.root}) is
 * {@code <copy>/targets} instead of the repository's {@code .gantry/targets}, and the example's signing key
 * is made in {@code <copy>/keys}. Start the worker with {@code --gantry.policy.path=}{@link #policy}.
 */
final class Examples {
  private static final String REPOSITORY_TARGETS = "../../.gantry/targets";
  private static final String COPY_TARGETS = "../targets";

  private Examples() {}

  /**
   * The example, with production frozen for good, so a test gets past its deployment window only by an
   * emergency override whatever the day and hour. Returns the copied release request.
   */
  static Path frozenCopy(Path into) throws IOException {
    Path spec = copy(into);
    Path production = policy(into).resolve("environments/production/config.yaml");
    edit(production, "  freezes:\n", "  freezes:\n    - {from: \"2020-01-01\", to: \"2099-12-31\", reason: test freeze}\n");
    return spec;
  }

  /**
   * The example, with production always open, without approvals, and a canary whose analysis never has
   * enough requests: a release stops in production's first region waiting for a person to decide, changing
   * production, whatever the day and hour. Returns the copied release request.
   */
  static Path undecidedCanaryCopy(Path into) throws IOException {
    Path spec = copy(into);
    Path production = policy(into).resolve("environments/production/config.yaml");
    String text = Files.readString(production);
    int approval = text.indexOf("\napproval:\n");
    int variables = text.indexOf("\nvariables:");
    if (approval < 0 || variables < approval || !text.substring(approval, variables).contains("\nwindow:\n")) {
      throw new IllegalStateException(production + " no longer has approval, then window, then variables: update Examples");
    }
    Files.writeString(production, text.substring(0, approval) + text.substring(variables));
    edit(production, "minRequests: 100 ", "minRequests: 1000000000 ");
    return spec;
  }

  /** The example as it is (its production window is the real one). Returns the copied release request. */
  static Path copy(Path into) throws IOException {
    Path source = Path.of("..", "examples");
    try (var files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path relative = source.relativize(file);
        if (relative.startsWith("keys") || java.util.stream.StreamSupport.stream(relative.spliterator(), false)
            .anyMatch(name -> name.toString().equals("target"))) {
          continue; // a key a demo made in the repository, a build's output: not the example
        }
        Path copy = into.resolve(relative.toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    edit(policy(into).resolve("policy.yaml"), "targets: [" + REPOSITORY_TARGETS + "]", "targets: [" + COPY_TARGETS + "]");
    for (String env : List.of("dev", "staging", "production")) {
      edit(policy(into).resolve("environments").resolve(env).resolve("config.yaml"),
          "root: " + REPOSITORY_TARGETS + "/", "root: " + COPY_TARGETS + "/");
    }
    dev.gantry.activities.signing.DemoKeys.ensure(into);
    return into.resolve("release.yaml");
  }

  /** The copy's platform policy, for the worker's {@code --gantry.policy.path}. */
  static Path policy(Path into) {
    return into.resolve("policy");
  }

  /** Where the copy's releases of hello-service land: {@code <copy>/targets/hello-service/<env>/<region>}. */
  static Path targets(Path into) {
    return into.resolve("targets/hello-service");
  }

  /** Replaces text that must be there: a changed example fails the test here, not somewhere obscure. */
  private static void edit(Path file, String from, String to) throws IOException {
    String text = Files.readString(file);
    if (!text.contains(from)) {
      throw new IllegalStateException(file + " no longer contains `" + from + "`: update Examples");
    }
    Files.writeString(file, text.replace(from, to));
  }
}
