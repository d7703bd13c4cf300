package dev.gantry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.DemoKeys;
import dev.gantry.bench.bare.BareWorkflows;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.ApprovalPolicy;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.ArtifactRef;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.HealthCheck;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * Scale benchmarks of issue 9, each a mode of one harness (the worker runs in this JVM):
 * <ul>
 *   <li>{@code overhead}: the example release (3 environments, 4 production regions, local target, signing
 *       on, approval and window removed) against a bare workflow with as many activities and children, in
 *       the same waves, on the same server: wall time and workflow tasks;</li>
 *   <li>{@code parked}: N releases parked at an approval gate: heap and threads per parked release after
 *       GC; then every one approved at a fixed rate: approval -> region deploy start, and throughput;</li>
 *   <li>{@code fanout}: four regions deployed in one wave, each with a health check that sleeps: the
 *       deploy's wall time against the sum of the regional times.</li>
 * </ul>
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
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private final Map<String, String> options;
  private final long run = System.currentTimeMillis() / 1000;

  private ScaleBench(Map<String, String> options) {
    this.options = options;
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

  private String opt(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  private int run(String mode) throws Exception {
    Instant startedAt = Instant.now();
    Path work = Files.createTempDirectory("gantry-scale-");
    TestServer.PortBoundTestServer testServer = null;
    String address = opt("address", "127.0.0.1:7233");
    String serverKind = opt("server-kind", "Temporal service at " + address);
    if (options.containsKey("test-server")) {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      testServer = TestServer.createPortBoundServer(port, true); // real time: no skipping
      address = "127.0.0.1:" + port;
      serverKind = "Java test server (in process, in memory, real time)";
    }
    String loadBefore = loadAverage();
    try (GantryClient gantry = GantryClient.connect(address, opt("namespace", "default"))) {
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
            opt("namespace", "default"));
      } catch (RuntimeException e) {
        log("search attributes not registered (" + e.getMessage() + "); the test server does not need them");
      }
      setup.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
      setup.put("cores", Runtime.getRuntime().availableProcessors());
      setup.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
      setup.put("loadAverageBefore", loadBefore);
      setup.put("startedAt", startedAt.toString());
      Map<String, Object> figures = switch (mode) {
        case "overhead" -> overhead(gantry, work);
        case "parked" -> parked(gantry, work, setup);
        case "fanout" -> fanout(gantry, work);
        default -> throw new IllegalArgumentException("unknown mode " + mode);
      };
      setup.put("loadAverageAfter", loadAverage());
      setup.put("wallSeconds", Duration.between(startedAt, Instant.now()).toMillis() / 1000.0);
      write(mode, setup, figures, startedAt);
      return 0;
    } finally {
      if (testServer != null) {
        testServer.close();
      }
      deleteRecursively(work);
    }
  }

  // ---------------------------------------------------------------------------------------------- overhead

  private Map<String, Object> overhead(GantryClient gantry, Path work) throws Exception {
    int reps = Integer.parseInt(opt("reps", "3"));
    Path example = copyExampleWithoutApprovalAndWindow(work.resolve("example"));
    // The real path: a short request, its plan resolved by the worker from the (copied) example policy.
    ReleaseRequest loaded = new ReleaseSpecLoader().load(example.resolve("release.yaml"),
        new ReleaseSpecLoader.Overrides("bench", null));
    Path policy = example.resolve("policy");
    ReleaseRequest planned = new dev.gantry.starter.spec.PlanResolver().resolve(
        new dev.gantry.starter.spec.PolicyDirectory().load(policy), loaded);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (BenchWorker worker = new BenchWorker(gantry.workflowClient(), work, new Probes(),
        BenchWorker.Tuning.defaults(), new dev.gantry.starter.spec.PolicyActivitiesImpl(policy))) {
      // one warm-up of each, not counted: class loading, JIT, first connections
      gantryRelease(gantry, withVersion(loaded, "0.0." + run + "-warmup"));
      History warm = gantryHistory(gantry, withVersion(loaded, "0.0." + run + "-warmup").releaseId());
      BareWorkflows.Shape shape = shapeOf(warm, planned);
      bare(gantry, shape, "warmup");
      for (int rep = 1; rep <= reps; rep++) {
        ReleaseRequest request = withVersion(loaded, "1.4." + run + "-" + rep);
        long gantryNanos = gantryRelease(gantry, request);
        History gantryHistory = gantryHistory(gantry, request.releaseId());
        shape = shapeOf(gantryHistory, planned);
        long[] bareResult = bare(gantry, shape, String.valueOf(rep));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rep", rep);
        row.put("gantryWallMs", gantryNanos / 1e6);
        row.put("bareWallMs", bareResult[0] / 1e6);
        row.put("wallRatio", (double) gantryNanos / bareResult[0]);
        row.put("gantryWorkflowTasks", gantryHistory.workflowTasks);
        row.put("bareWorkflowTasks", bareResult[1]);
        row.put("workflowTaskRatio", (double) gantryHistory.workflowTasks / bareResult[1]);
        row.put("gantryEvents", gantryHistory.events);
        row.put("bareEvents", bareResult[2]);
        row.put("activities", gantryHistory.activities);
        row.put("children", gantryHistory.children);
        row.put("gantryActivityMs", gantryHistory.activityMillis);
        row.put("shape", shape.toString());
        rows.add(row);
        log("overhead rep " + rep + ": " + row);
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("reps", rows);
    figures.put("medianWallRatio", median(rows, "wallRatio"));
    figures.put("medianWorkflowTaskRatio", median(rows, "workflowTaskRatio"));
    figures.put("medianGantryWallMs", median(rows, "gantryWallMs"));
    figures.put("medianBareWallMs", median(rows, "bareWallMs"));
    return figures;
  }

  private long gantryRelease(GantryClient gantry, ReleaseRequest request) throws Exception {
    long start = System.nanoTime();
    String id = gantry.startRelease(request);
    ReleaseStatus done = gantry.awaitCompletion(id, TIMEOUT);
    long took = System.nanoTime() - start;
    if (done.state() != ReleaseState.SUCCEEDED) {
      throw new IllegalStateException(id + " ended " + done.state() + ": " + done.failureReason());
    }
    return took;
  }

  /** {wall nanos, workflow tasks, events} of one bare run. */
  private long[] bare(GantryClient gantry, BareWorkflows.Shape shape, String tag) {
    WorkflowClient client = gantry.workflowClient();
    String id = "bench-bare/" + run + "/" + tag;
    BareWorkflows.BareRelease stub = client.newWorkflowStub(BareWorkflows.BareRelease.class,
        WorkflowOptions.newBuilder().setTaskQueue(BenchWorker.BARE_QUEUE).setWorkflowId(id).build());
    long start = System.nanoTime();
    stub.run(shape);
    long took = System.nanoTime() - start;
    History parent = History.of(client, id);
    long tasks = parent.workflowTasks;
    long events = parent.events;
    for (String child : parent.childIds) {
      History h = History.of(client, child);
      tasks += h.workflowTasks;
      events += h.events;
    }
    return new long[] {took, tasks, events};
  }

  /** The release's history and its children's, summed. */
  private History gantryHistory(GantryClient gantry, String releaseId) {
    History parent = History.of(gantry.workflowClient(), releaseId);
    History total = new History();
    total.add(parent);
    total.parentActivities = parent.activities;
    total.children = parent.childIds.size();
    for (String child : parent.childIds) {
      total.add(History.of(gantry.workflowClient(), child));
    }
    return total;
  }

  private static BareWorkflows.Shape shapeOf(History history, ReleaseRequest request) {
    List<Integer> waves = new ArrayList<>();
    for (EnvironmentPlan env : request.environments()) {
      env.waves().forEach(wave -> waves.add(wave.size()));
    }
    long childActivities = history.activities - history.parentActivities;
    return new BareWorkflows.Shape((int) history.parentActivities, waves,
        (int) Math.round((double) childActivities / Math.max(1, history.children)));
  }

  /** Counts over one or more workflow histories. */
  static final class History {
    long events;
    long workflowTasks;
    long activities;
    long parentActivities;
    long children;
    long activityMillis;
    long firstMillis = Long.MAX_VALUE;
    long lastMillis;
    final List<String> childIds = new ArrayList<>();

    static History of(WorkflowClient client, String workflowId) {
      History h = new History();
      Map<Long, Long> started = new HashMap<>();
      for (HistoryEvent event : client.fetchHistory(workflowId).getEvents()) {
        h.events++;
        long at = event.getEventTime().getSeconds() * 1000 + event.getEventTime().getNanos() / 1_000_000;
        h.firstMillis = Math.min(h.firstMillis, at);
        h.lastMillis = Math.max(h.lastMillis, at);
        EventType type = event.getEventType();
        if (type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
          h.workflowTasks++;
        } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
          h.activities++;
        } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
          started.put(event.getEventId(), at);
        } else if (type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
          Long from = started.get(event.getActivityTaskCompletedEventAttributes().getStartedEventId());
          if (from != null) {
            h.activityMillis += at - from;
          }
        } else if (type == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED) {
          h.childIds.add(event.getStartChildWorkflowExecutionInitiatedEventAttributes().getWorkflowId());
        }
      }
      return h;
    }

    void add(History other) {
      events += other.events;
      workflowTasks += other.workflowTasks;
      activities += other.activities;
      activityMillis += other.activityMillis;
    }

    long wallMillis() {
      return lastMillis - firstMillis;
    }
  }

  /** The repository's example with production's approval and window removed: every gate passes by itself. */
  static Path copyExampleWithoutApprovalAndWindow(Path into) throws IOException {
    Path source = Path.of("examples");
    if (!Files.isDirectory(source)) {
      throw new IllegalStateException("run from the repository root: no examples/ in " + Path.of("").toAbsolutePath());
    }
    try (Stream<Path> files = Files.walk(source)) {
      for (Path file : files.toList()) {
        Path copy = into.resolve(source.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(copy);
        } else if (!file.toString().contains("/.gantry/") && !file.toString().contains("/keys/")) {
          Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path production = into.resolve("policy/environments/production/config.yaml");
    String text = Files.readString(production);
    text = dropTopLevelKey(dropTopLevelKey(text, "approval"), "window");
    Files.writeString(production, text);
    DemoKeys.ensure(into);
    return into;
  }

  /** Removes a top-level YAML key and its indented block. */
  static String dropTopLevelKey(String yaml, String key) {
    StringBuilder out = new StringBuilder();
    boolean dropping = false;
    for (String line : yaml.split("\n", -1)) {
      if (line.startsWith(key + ":")) {
        dropping = true;
        continue;
      }
      if (dropping && (line.startsWith(" ") || line.isBlank())) {
        continue;
      }
      dropping = false;
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private static ReleaseRequest withVersion(ReleaseRequest r, String version) {
    return ReleaseRequest.request(r.application(), version, r.artifact(), r.requestedBy(), r.promotionPath(),
        r.specSource(), r.requirements(), r.notes());
  }

  // ------------------------------------------------------------------------------------------------ parked

  private Map<String, Object> parked(GantryClient gantry, Path work, Map<String, Object> setup) throws Exception {
    int n = Integer.parseInt(opt("releases", "100"));
    double rate = Double.parseDouble(opt("rate", "2"));
    int starters = Integer.parseInt(opt("starters", "8"));
    BenchWorker.Tuning tuning = new BenchWorker.Tuning(options.containsKey("virtual-threads"),
        options.containsKey("cache-size") ? Integer.valueOf(opt("cache-size", "600")) : null,
        options.containsKey("max-workflow-threads") ? Integer.valueOf(opt("max-workflow-threads", "600")) : null);
    if (tuning.virtualThreads() && Runtime.version().feature() < 21) {
      throw new IllegalStateException("--virtual-threads needs Java 21+; this is " + Runtime.version()
          + ": run with /usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    }
    setup.put("worker", tuning.describe());
    Path artifact = Files.writeString(work.resolve("bench-app.txt"), "parked " + run + "\n", StandardCharsets.UTF_8);
    String digest = Digests.sha256(artifact);
    Probes probes = new Probes();
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("releases", n);
    figures.put("workerTuning", tuning.describe());
    try (BenchWorker worker = new BenchWorker(gantry.workflowClient(), work, probes, tuning)) {
      // warm up: one release through its gate and to the end
      String warm = gantry.startRelease(parkedRequest(work, artifact, digest, -1));
      awaitAll(probes.gateOpened, List.of(warm), "gate");
      gantry.workflowClient().newWorkflowStub(ReleaseWorkflow.class, warm)
          .approve(ApprovalSignal.of(ApprovalLatencyBench.APPROVER, digest, "warm-up"));
      awaitAll(probes.releaseSucceeded, List.of(warm), "success");
      Thread.sleep(1000);
      long[] before = memoryAndThreads();

      log("parked: starting " + n + " releases with " + starters + " client threads");
      long startBegin = System.nanoTime();
      List<String> ids = startAll(gantry, work, artifact, digest, n, starters);
      awaitAll(probes.gateOpened, ids, "gate");
      double parkSeconds = (System.nanoTime() - startBegin) / 1e9;
      Thread.sleep(3000); // let the last workflow tasks and audit appends finish
      long[] after = memoryAndThreads();
      figures.put("secondsToPark", parkSeconds);
      figures.put("parkedPerSecond", n / parkSeconds);
      figures.put("heapBeforeMb", before[0] / 1048576.0);
      figures.put("heapParkedMb", after[0] / 1048576.0);
      figures.put("heapPerParkedKb", (after[0] - before[0]) / 1024.0 / n);
      figures.put("threadsBefore", before[1]);
      figures.put("threadsParked", after[1]);
      figures.put("threadsPerParked", (double) (after[1] - before[1]) / n);
      log("parked: " + figures);

      // (a) latency: a sample approved open-loop at a rate the worker sustains; (b) throughput: the rest
      // approved at once, from 16 threads, timed until the last release has finished
      int sampleSize = Math.min(ids.size(), Integer.parseInt(opt("sample", "200")));
      List<String> sample = ids.subList(0, sampleSize);
      List<String> rest = ids.subList(sampleSize, ids.size());
      log("parked: approving " + sample.size() + " at " + rate + "/s");
      ExecutorService senders = Executors.newFixedThreadPool(16);
      try {
        List<long[]> sent = approveAll(gantry, senders, sample, digest, (long) (1e9 / rate));
        awaitAll(probes.releaseSucceeded, sample, "success");
        double[] latencies = latencies(probes, sample, sent);
        figures.put("approvalRatePerSecond", rate);
        figures.put("sampleApprovals", sample.size());
        figures.put("approvalToDeployMedianMs", rank(latencies, 0.5));
        figures.put("approvalToDeployP99Ms", rank(latencies, 0.99));
        figures.put("approvalToDeployMaxMs", latencies[latencies.length - 1]);
        if (!rest.isEmpty() && options.containsKey("no-burst")) {
          figures.put("burstApprovals", "none (--no-burst: " + rest.size() + " left parked)");
        } else if (!rest.isEmpty()) {
          log("parked: approving the other " + rest.size() + " at once");
          List<long[]> burst = approveAll(gantry, senders, rest, digest, 0);
          awaitAll(probes.releaseSucceeded, rest, "success");
          long lastDone = rest.stream().mapToLong(probes.releaseSucceeded::get).max().orElseThrow();
          double[] burstLatencies = latencies(probes, rest, burst);
          figures.put("burstApprovals", rest.size());
          figures.put("burstFinishedPerSecond", rest.size() / ((lastDone - burst.get(0)[0]) / 1e9));
          figures.put("burstApprovalToDeployMedianMs", rank(burstLatencies, 0.5));
          figures.put("burstApprovalToDeployP99Ms", rank(burstLatencies, 0.99));
        }
      } finally {
        senders.shutdownNow();
      }
    }
    return figures;
  }

  /** Sends one approval per release, {@code periodNanos} apart (0: all at once); returns {sent, returned}. */
  private static List<long[]> approveAll(GantryClient gantry, ExecutorService senders, List<String> ids,
      String digest, long periodNanos) throws Exception {
    long first = System.nanoTime() + 50_000_000L;
    List<Future<long[]>> calls = new ArrayList<>();
    for (int k = 0; k < ids.size(); k++) {
      long due = first + k * periodNanos;
      for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
        LockSupport.parkNanos(due - now);
      }
      String id = ids.get(k);
      calls.add(senders.submit(() -> {
        long sent = System.nanoTime();
        gantry.workflowClient().newWorkflowStub(ReleaseWorkflow.class, id)
            .approve(ApprovalSignal.of(ApprovalLatencyBench.APPROVER, digest, "bench"));
        return new long[] {sent, System.nanoTime()};
      }));
    }
    List<long[]> sent = new ArrayList<>();
    for (Future<long[]> call : calls) {
      sent.add(call.get(10, TimeUnit.MINUTES));
    }
    return sent;
  }

  private static double[] latencies(Probes probes, List<String> ids, List<long[]> sent) {
    double[] latencies = new double[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      latencies[i] = (probes.deployStarted.get(ids.get(i)) - sent.get(i)[0]) / 1e6;
    }
    Arrays.sort(latencies);
    return latencies;
  }

  private List<String> startAll(GantryClient gantry, Path work, Path artifact, String digest, int n,
      int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> started = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        started.add(pool.submit(() -> gantry.startRelease(parkedRequest(work, artifact, digest, index))));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : started) {
        ids.add(f.get(10, TimeUnit.MINUTES));
      }
      return ids;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One environment, one region, one approver: the smallest release that parks at a gate. */
  private ReleaseRequest parkedRequest(Path work, Path artifact, String digest, int index) throws IOException {
    Path root = Files.createDirectories(work.resolve("targets").resolve(String.valueOf(index)));
    EnvironmentPlan production = new EnvironmentPlan("production", "us-east-1", List.of(List.of("us-east-1")),
        new DeployTarget(DeployTarget.LOCAL, root.toString()), new HealthCheck("true", null, null, null, null),
        new ApprovalPolicy(true, List.of(ApprovalLatencyBench.APPROVER), 1, null), Map.of());
    return new ReleaseRequest("parked-app", "1.0." + run + "-" + index, ArtifactRef.file(artifact.toString(),
        digest), List.of(production), "bench", "scale-bench");
  }

  private static void awaitAll(Map<String, Long> seen, List<String> ids, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    int last = -1;
    long lastLog = System.nanoTime();
    while (true) {
      int missing = (int) ids.stream().filter(id -> !seen.containsKey(id)).count();
      if (missing == 0) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(missing + " release(s) never reached " + what);
      }
      if (missing != last && System.nanoTime() - lastLog > 10_000_000_000L) {
        log("  waiting for " + what + ": " + missing + " of " + ids.size() + " to go");
        last = missing;
        lastLog = System.nanoTime();
      }
      Thread.sleep(100);
    }
  }

  /** {heap used after GC in bytes, live platform threads}. */
  private static long[] memoryAndThreads() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long threads = ManagementFactory.getThreadMXBean().getThreadCount();
    return new long[] {heap, threads};
  }

  // ------------------------------------------------------------------------------------------------ fanout

  private Map<String, Object> fanout(GantryClient gantry, Path work) throws Exception {
    int reps = Integer.parseInt(opt("reps", "3"));
    int sleep = Integer.parseInt(opt("sleep-seconds", "1"));
    Path artifact = Files.writeString(work.resolve("fanout-app.txt"), "fanout " + run + "\n", StandardCharsets.UTF_8);
    String digest = Digests.sha256(artifact);
    List<String> regions = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");
    Map<String, List<List<String>>> layouts = new LinkedHashMap<>();
    layouts.put("one wave of 4", List.of(regions));
    layouts.put("example waves (1 then 3)", List.of(List.of(regions.get(0)), regions.subList(1, 4)));
    List<Map<String, Object>> rows = new ArrayList<>();
    try (BenchWorker worker = new BenchWorker(gantry.workflowClient(), work, new Probes(),
        BenchWorker.Tuning.defaults())) {
      int index = 0;
      for (int rep = 0; rep <= reps; rep++) {
        for (Map.Entry<String, List<List<String>>> layout : layouts.entrySet()) {
          Path root = Files.createDirectories(work.resolve("fanout-targets").resolve(String.valueOf(index)));
          EnvironmentPlan production = new EnvironmentPlan("production", regions.get(0), layout.getValue(),
              new DeployTarget(DeployTarget.LOCAL, root.toString()),
              new HealthCheck("sleep " + sleep, null, sleep + 30, 1, null), ApprovalPolicy.none(), Map.of());
          ReleaseRequest request = new ReleaseRequest("fanout-app", "1.0." + run + "-" + index++,
              ArtifactRef.file(artifact.toString(), digest), List.of(production), "bench", "scale-bench");
          long start = System.nanoTime();
          gantry.awaitCompletion(gantry.startRelease(request), TIMEOUT);
          double releaseMs = (System.nanoTime() - start) / 1e6;
          if (rep == 0) {
            continue; // warm-up
          }
          History parent = History.of(gantry.workflowClient(), request.releaseId());
          long first = Long.MAX_VALUE;
          long last = 0;
          long sum = 0;
          for (String child : parent.childIds) {
            History h = History.of(gantry.workflowClient(), child);
            first = Math.min(first, h.firstMillis);
            last = Math.max(last, h.lastMillis);
            sum += h.wallMillis();
          }
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("layout", layout.getKey());
          row.put("rep", rep);
          row.put("deployWallMs", last - first);
          row.put("sumOfRegionsMs", sum);
          row.put("parallelism", (double) sum / (last - first));
          row.put("releaseWallMs", releaseMs);
          rows.add(row);
          log("fanout: " + row);
        }
      }
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("healthCheckSleepSeconds", sleep);
    figures.put("reps", rows);
    return figures;
  }

  // ----------------------------------------------------------------------------------------------- results

  private void write(String mode, Map<String, Object> setup, Map<String, Object> figures, Instant startedAt)
      throws IOException {
    Path results = Path.of(opt("results", "bench/results"));
    Files.createDirectories(results);
    String label = opt("label", "");
    String name = mode + (label.isEmpty() ? "" : "-" + label);
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(startedAt);
    Map<String, Object> all = new LinkedHashMap<>();
    all.put("setup", setup);
    all.put("figures", figures);
    Path json = results.resolve(name + "-" + stamp + ".json");
    JSON.writeValue(json.toFile(), all);
    String markdown = markdown(mode, name, setup, figures);
    Files.writeString(results.resolve(name + ".md"), markdown);
    System.out.println(markdown);
    System.out.println("written: " + json + ", " + results.resolve(name + ".md"));
  }

  private static String markdown(String mode, String name, Map<String, Object> setup, Map<String, Object> f) {
    StringBuilder md = new StringBuilder("### " + name + "\n\n");
    switch (mode) {
      case "overhead" -> {
        md.append("| rep | gantry wall ms | bare wall ms | wall ratio | gantry WFTs | bare WFTs | WFT ratio |"
            + " gantry events | bare events | activities | children | gantry activity ms |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Object o : (List<?>) f.get("reps")) {
          Map<?, ?> r = (Map<?, ?>) o;
          md.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f | %s | %s | %.2f | %s | %s | %s | %s | %s |%n",
              r.get("rep"), r.get("gantryWallMs"), r.get("bareWallMs"), r.get("wallRatio"),
              r.get("gantryWorkflowTasks"), r.get("bareWorkflowTasks"), r.get("workflowTaskRatio"),
              r.get("gantryEvents"), r.get("bareEvents"), r.get("activities"), r.get("children"),
              r.get("gantryActivityMs")));
        }
        md.append(String.format(Locale.ROOT, "%nmedian wall ratio **%.2f**, median workflow-task ratio **%.2f**%n",
            f.get("medianWallRatio"), f.get("medianWorkflowTaskRatio")));
      }
      case "parked" -> {
        md.append("| releases | s to park | heap/parked KB | threads/parked | threads parked | sample approved at |"
            + " approval->deploy median ms | p99 ms | rest approved at once | finished/s | burst median ms | burst p99 ms |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.3f | %s | %s x %.1f/s | %.0f | %.0f | %s | %s | %s | %s |%n",
            f.get("releases"), f.get("secondsToPark"), f.get("heapPerParkedKb"), f.get("threadsPerParked"),
            f.get("threadsParked"), f.get("sampleApprovals"), f.get("approvalRatePerSecond"),
            f.get("approvalToDeployMedianMs"), f.get("approvalToDeployP99Ms"), f.getOrDefault("burstApprovals", 0),
            fmt(f.get("burstFinishedPerSecond"), "%.2f"), fmt(f.get("burstApprovalToDeployMedianMs"), "%.0f"),
            fmt(f.get("burstApprovalToDeployP99Ms"), "%.0f")));
      }
      case "fanout" -> {
        md.append("| layout | rep | deploy wall ms | sum of regions ms | parallelism | release wall ms |\n"
            + "|---|---:|---:|---:|---:|---:|\n");
        for (Object o : (List<?>) f.get("reps")) {
          Map<?, ?> r = (Map<?, ?>) o;
          md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.0f |%n", r.get("layout"),
              r.get("rep"), r.get("deployWallMs"), r.get("sumOfRegionsMs"), r.get("parallelism"),
              r.get("releaseWallMs")));
        }
      }
      default -> { }
    }
    md.append("\nSetup: ");
    List<String> parts = new ArrayList<>();
    setup.forEach((k, v) -> parts.add(k + ": " + v));
    md.append(String.join("; ", parts)).append("\n");
    return md.toString();
  }

  private static String fmt(Object value, String format) {
    return value == null ? "-" : String.format(Locale.ROOT, format, value);
  }

  private static double median(List<Map<String, Object>> rows, String key) {
    double[] values = rows.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
    return values.length == 0 ? Double.NaN : rank(values, 0.5);
  }

  private static double rank(double[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void log(String message) {
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
