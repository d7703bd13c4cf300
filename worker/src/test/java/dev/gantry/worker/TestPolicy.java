package dev.gantry.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A platform policy directory an end-to-end test writes, the way a platform team would: under the test's
 * folder {@code root}, the policy in {@code root/policy}, file artifacts allowed only in
 * {@code root/artifacts} and local targets only in {@code root/targets} (both named relative to the policy,
 * as {@code ../artifacts} and {@code ../targets}). Environment configs are written as given; their relative
 * paths are relative to the policy directory. The worker gets it with {@code --gantry.policy.path=}{@link #dir()}.
 */
final class TestPolicy {
  private final Path root;
  private final List<String> applications = new ArrayList<>();
  private String approvers;
  private String signing;
  private final List<String> moreRoots = new ArrayList<>();

  private TestPolicy(Path root) {
    this.root = root;
  }

  static TestPolicy in(Path root) {
    TestPolicy policy = new TestPolicy(root);
    try {
      Files.createDirectories(policy.dir());
      Files.createDirectories(policy.artifacts());
      Files.createDirectories(policy.targets());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return policy;
  }

  /** The policy directory, for {@code --gantry.policy.path}. */
  Path dir() {
    return root.resolve("policy");
  }

  /** The one folder file artifacts may come from ({@code roots.artifacts}). */
  Path artifacts() {
    return root.resolve("artifacts");
  }

  /** The one folder local targets may deploy into ({@code roots.targets}); configs name it {@code ../targets}. */
  Path targets() {
    return root.resolve("targets");
  }

  /** An application and its promotion path; its environments are in {@code environments/<env>/config.yaml}. */
  TestPolicy application(String name, String... promotion) {
    applications.add("  " + name + ": {promotion: [" + String.join(", ", promotion) + "]}");
    return this;
  }

  /** An application whose environment configs are in another folder of the policy. */
  TestPolicy applicationWithEnvironmentsIn(String folder, String name, String... promotion) {
    applications.add("  " + name + ": {promotion: [" + String.join(", ", promotion) + "], environments: " + folder + "}");
    return this;
  }

  /** {@code approvers:}, a file relative to the policy directory. */
  TestPolicy approvers(String file) {
    this.approvers = file;
    return this;
  }

  /** Image repositories releases may ship ({@code roots.images}), e.g. {@code registry.test/shop/}. */
  TestPolicy images(String... prefixes) {
    moreRoots.add("  images: [" + String.join(", ", prefixes) + "]");
    return this;
  }

  /** Folders credential files of kubernetes targets must be inside ({@code roots.credentials}), absolute. */
  TestPolicy credentials(Path... folders) {
    moreRoots.add("  credentials: [" + String.join(", ", java.util.Arrays.stream(folders).map(Path::toString)
        .toList()) + "]");
    return this;
  }

  /** {@code signing:} as YAML, e.g. {@code {key: ../keys/release.key}}. */
  TestPolicy signing(String yaml) {
    this.signing = yaml;
    return this;
  }

  /** Writes {@code environments/<env>/config.yaml}. */
  TestPolicy environment(String env, String config) {
    return file("environments/" + env + "/config.yaml", config);
  }

  /** Writes a file of the policy directory. */
  TestPolicy file(String relative, String content) {
    try {
      Path file = dir().resolve(relative);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** An artifact in the allowed folder. */
  Path artifact(String name, String content) {
    try {
      return Files.writeString(artifacts().resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code policy.yaml}; returns the policy directory. */
  Path write() {
    StringBuilder yaml = new StringBuilder("""
        roots:
          artifacts: [../artifacts]
          targets: [../targets]
        """);
    moreRoots.forEach(line -> yaml.append(line).append('\n'));
    if (approvers != null) {
      yaml.append("approvers: ").append(approvers).append('\n');
    }
    if (signing != null) {
      yaml.append("signing: ").append(signing).append('\n');
    }
    yaml.append("applications:\n");
    applications.forEach(line -> yaml.append(line).append('\n'));
    file("policy.yaml", yaml.toString());
    return dir();
  }
}
