package dev.gantry.bench;

import dev.gantry.activities.local.Digests;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.release.ReleaseWorkflow;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static dev.gantry.bench.ScaleBench.TIMEOUT;
import static dev.gantry.bench.ScaleBench.log;
import static dev.gantry.bench.ScaleReport.rank;

/**
 * {@code ScaleBench parked}: N releases parked at an approval gate: heap and threads per parked release after
 * GC; then a sample approved at a fixed rate (approval -> region deploy start) and the rest at once (throughput).
 */
final class ScaleParked {
  private final ScaleBench.Options options;

  ScaleParked(ScaleBench.Options options) {
    this.options = options;
  }

  // the bench worker has to run while the releases do; the body never names it
  @SuppressWarnings("try")
  Map<String, Object> run(GantryClient gantry, Path work, Map<String, Object> setup) throws Exception {
    int n = Integer.parseInt(options.get("releases", "100"));
    double rate = Double.parseDouble(options.get("rate", "2"));
    int starters = Integer.parseInt(options.get("starters", "8"));
    BenchWorker.Tuning tuning = new BenchWorker.Tuning(options.has("virtual-threads"),
        options.has("cache-size") ? Integer.valueOf(options.get("cache-size", "600")) : null,
        options.has("max-workflow-threads") ? Integer.valueOf(options.get("max-workflow-threads", "600")) : null);
    if (tuning.virtualThreads() && Runtime.version().feature() < 21) {
      throw new IllegalStateException("--virtual-threads needs Java 21+; this is " + Runtime.version()
          + ": run with /usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    }
    setup.put("worker", tuning.describe());
    Path artifact = Files.writeString(work.resolve("bench-app.txt"), "parked " + options.run() + "\n", StandardCharsets.UTF_8);
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
      int sampleSize = Math.min(ids.size(), Integer.parseInt(options.get("sample", "200")));
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
        if (!rest.isEmpty() && options.has("no-burst")) {
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
    EnvironmentPlan production = EnvironmentPlan.builder()
        .name("production")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1")))
        .target(new DeployTarget(DeployTarget.LOCAL, root.toString()))
        .healthCheck(new HealthCheck("true", null, null, null, null))
        .approval(new ApprovalPolicy(true, List.of(ApprovalLatencyBench.APPROVER), 1, null))
        .variables(Map.of())
        .verification(VerificationPolicy.notRequired())
        .build();
    return new ReleaseRequest("parked-app", "1.0." + options.run() + "-" + index, ArtifactRef.file(artifact.toString(),
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
}
