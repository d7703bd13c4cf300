package dev.gantry.bench;

import dev.gantry.starter.client.GantryClient;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoResponse;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scale benchmarks of issue 9, each a mode of one harness (the worker runs in this JVM):
 * <ul>
 *   <li>{@code overhead} ({@link ScaleOverhead}): the example release (3 environments, 4 production regions,
 *       local target, signing and canary on, approval and window removed, bakes at 0 s) against a bare workflow
 *       with as many activities and children, in the same waves, on the same server: wall time and workflow
 *       tasks;</li>
 *   <li>{@code parked} ({@link ScaleParked}): N releases parked at an approval gate: heap and threads per parked
 *       release after GC; then every one approved at a fixed rate: approval -> region deploy start, and
 *       throughput;</li>
 *   <li>{@code fanout} ({@link ScaleFanout}): four regions deployed in one wave, each with a health check that
 *       sleeps: the deploy's wall time against the sum of the regional times.</li>
 * </ul>
 * This class parses the options, connects (or starts the in-process test server) and records the setup;
 * {@link ScaleReport} writes the figures.
 * <pre>
 * java -cp 'bench/target/gantry-bench.jar:bench/target/lib/*' dev.gantry.bench.ScaleBench overhead \
 *   --address 127.0.0.1:7233 --server-kind "dev server" --results bench/results
 * java ... ScaleBench overhead --test-server          # the in-process Java test server instead
 * java ... ScaleBench parked --releases 1000 --rate 2 --sample 200 [--virtual-threads] [--cache-size 600]
 * java ... ScaleBench fanout --reps 3 --sleep-seconds 1
 * </pre>
 * Figures go to {@code <results>/<mode>[-<label>].md} (latest) and {@code <mode>-<label>-<UTC stamp>.json}.
 */
public final class ScaleBench {
  static final Duration TIMEOUT = Duration.ofMinutes(30);

  /** The harness's {@code --name value} options (a bare {@code --name} is "true"), and this run's stamp. */
  record Options(Map<String, String> values, long run) {
    String get(String name, String fallback) {
      return values.getOrDefault(name, fallback);
    }

    boolean has(String name) {
      return values.containsKey(name);
    }
  }

  private final Options options;

  private ScaleBench(Map<String, String> options) {
    this.options = new Options(options, System.currentTimeMillis() / 1000);
  }

  public static void main(String[] args) {
    int exit = 1;
    try {
      if (args.length == 0) {
        throw new IllegalArgumentException("usage: ScaleBench overhead|parked|fanout [--option value]...");
      }
      exit = new ScaleBench(parse(Arrays.copyOfRange(args, 1, args.length))).run(args[0]);
    } catch (Exception e) {
      System.err.println("scale benchmark FAILED: " + e);
      e.printStackTrace();
    }
    System.exit(exit);
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        given.put(arg.substring(2), args[++i]);
      } else {
        given.put(arg.substring(2), "true");
      }
    }
    return given;
  }

  private int run(String mode) throws Exception {
    Instant startedAt = Instant.now();
    Path work = Files.createTempDirectory("gantry-scale-");
    TestServer.PortBoundTestServer testServer = null;
    String address = options.get("address", "127.0.0.1:7233");
    String serverKind = options.get("server-kind", "Temporal service at " + address);
    if (options.has("test-server")) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      testServer = TestServer.createPortBoundServer(port, true); // real time: no skipping
      address = "127.0.0.1:" + port;
      serverKind = "Java test server (in process, in memory, real time)";
    }
    String loadBefore = loadAverage();
    try (GantryClient gantry = GantryClient.connect(address, options.get("namespace", "default"))) {
      Map<String, Object> setup = new LinkedHashMap<>();
      setup.put("mode", mode);
      setup.put("server", serverKind);
      try {
        GetClusterInfoResponse cluster = gantry.workflowClient().getWorkflowServiceStubs().blockingStub()
            .getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
        setup.put("serverVersion", cluster.getServerVersion() + ", " + cluster.getHistoryShardCount()
            + " history shard(s), " + cluster.getPersistenceStore()
            + (cluster.getHistoryShardCount() == 1 ? " (single shard: not a production capacity figure)" : ""));
      } catch (RuntimeException e) {
        setup.put("serverVersion", "not reported (" + e.getClass().getSimpleName() + ")");
      }
      try {
        ApprovalLatencyBench.registerSearchAttributes(gantry.workflowClient().getWorkflowServiceStubs(),
            options.get("namespace", "default"));
      } catch (RuntimeException e) {
        log("search attributes not registered (" + e.getMessage() + "); the test server does not need them");
      }
      setup.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
      setup.put("cores", Runtime.getRuntime().availableProcessors());
      setup.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
      setup.put("loadAverageBefore", loadBefore);
      setup.put("startedAt", startedAt.toString());
      Map<String, Object> figures = switch (mode) {
        case "overhead" -> new ScaleOverhead(options).run(gantry, work);
        case "parked" -> new ScaleParked(options).run(gantry, work, setup);
        case "fanout" -> new ScaleFanout(options).run(gantry, work);
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      };
      setup.put("loadAverageAfter", loadAverage());
      setup.put("wallSeconds", Duration.between(startedAt, Instant.now()).toMillis() / 1000.0);
      new ScaleReport(options).write(mode, setup, figures, startedAt);
      return 0;
    } finally {
      if (testServer != null) {
        testServer.close();
      }
      deleteRecursively(work);
    }
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  static void log(String message) {
    System.err.println("[scale] " + message);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
