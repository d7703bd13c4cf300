package dev.gantry.bench;

import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.DemoKeys;
import dev.gantry.starter.spec.PolicyActivitiesImpl;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the trust boundary costs each release: the {@code Policy.resolvePlan} activity reads the whole policy
 * directory (every file hashed for the digest, every application's environments parsed and checked), then
 * resolves the request. Measured in-process, per call, on the example policy and on one with many
 * applications, so the cost's growth with the policy's size shows.
 *
 * <pre>java -cp ... dev.gantry.bench.PolicyResolveBench [--calls 300] [--applications 1,50,200] [--results bench/results]</pre>
 */
public final class PolicyResolveBench {

  public static void main(String[] args) throws Exception {
    int calls = 300;
    int[] sizes = {1, 50, 200};
    Path results = Path.of("bench/results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--calls" -> calls = Integer.parseInt(args[++i]);
        case "--applications" -> sizes = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--results" -> results = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + " (known: --calls N, --applications N,N,..., --results DIR)");
      }
    }
    Path work = Files.createTempDirectory("gantry-policy-bench");
    StringBuilder table = new StringBuilder("| applications in policy | files | policy bytes | median ms | p99 ms | max ms |\n"
        + "|---:|---:|---:|---:|---:|---:|\n");
    for (int applications : sizes) {
      Path examples = copyExamples(work.resolve("examples-" + applications));
      Path policy = examples.resolve("policy");
      addApplications(policy, applications - 1);
      PolicyActivitiesImpl activity = new PolicyActivitiesImpl(policy);
      Path artifact = examples.resolve("artifacts/hello-service.sh");
      ReleaseRequest request = ReleaseRequest.request("hello-service", "1.4.0",
          ArtifactRef.file(artifact.toString(), Digests.sha256(artifact)), "dana", null, "bench", null, null);
      for (int i = 0; i < Math.min(100, calls); i++) {
        activity.resolvePlan(request); // warm-up: class loading, JIT
      }
      long[] nanos = new long[calls];
      for (int i = 0; i < calls; i++) {
        long start = System.nanoTime();
        activity.resolvePlan(request);
        nanos[i] = System.nanoTime() - start;
      }
      Arrays.sort(nanos);
      long files;
      long bytes;
      try (Stream<Path> walk = Files.walk(policy)) {
        var regular = walk.filter(Files::isRegularFile).toList();
        files = regular.size();
        bytes = regular.stream().mapToLong(PolicyResolveBench::size).sum();
      }
      table.append(String.format(Locale.ROOT, "| %d | %d | %d | %.2f | %.2f | %.2f |%n", applications, files, bytes,
          nanos[calls / 2] / 1e6, nanos[(int) (calls * 0.99)] / 1e6, nanos[calls - 1] / 1e6));
    }
    String report = "Policy.resolvePlan per release (" + calls + " calls each, in-process, after warm-up; "
        + Runtime.getRuntime().availableProcessors() + " cores)\n\n" + table;
    System.out.println(report);
    Files.createDirectories(results);
    Files.writeString(results.resolve("policy-resolve.md"), report);
  }

  /** The repository's examples with a key of their own (the policy names one). */
  private static Path copyExamples(Path into) throws IOException {
    Path source = Path.of("examples");
    if (!Files.isDirectory(source.resolve("policy"))) {
      throw new IllegalStateException("run from the repository root: no examples/policy in " + Path.of("").toAbsolutePath());
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.filter(path -> !path.toString().contains("java-client")).toList()) {
        Path copy = into.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else if (!file.toString().contains("/keys/")) {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    DemoKeys.ensure(into);
    return into;
  }

  /** More applications, each with its own copy of the example's three environments. */
  private static void addApplications(Path policy, int more) throws IOException {
    StringBuilder applications = new StringBuilder();
    for (int i = 1; i <= more; i++) {
      String name = "app-" + i;
      Path environments = policy.resolve("apps/" + name);
      for (String env : new String[] {"dev", "staging", "production"}) {
        Path config = environments.resolve(env).resolve("config.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, Files.readString(policy.resolve("environments").resolve(env).resolve("config.yaml"))
            .replace("targets/hello-service", "targets/" + name));
      }
      applications.append("  ").append(name).append(":\n    promotion: [dev, staging, production]\n")
          .append("    environments: apps/").append(name).append('\n');
    }
    Files.writeString(policy.resolve("policy.yaml"), Files.readString(policy.resolve("policy.yaml")) + applications);
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }
}
