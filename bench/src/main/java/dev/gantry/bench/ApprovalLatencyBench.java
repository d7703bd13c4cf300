package dev.gantry.bench;

import dev.gantry.activities.audit.JsonlAuditLog;
import dev.gantry.activities.local.Digests;
import dev.gantry.bench.Results.Pass;
import dev.gantry.bench.Results.Sample;
import dev.gantry.bench.Results.Setup;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoRequest;
import io.temporal.api.workflowservice.v1.GetClusterInfoResponse;
import io.temporal.common.SearchAttributeKey;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * How long a release takes to act on an approval, against a real Temporal service: starts releases that
 * park at a production approval gate, approves them at a fixed rate (by signal, then by update) and times,
 * for each approval, the start of the audit append that records it and the start of the region deploy it
 * releases. The worker runs in this JVM with the real activity implementations, so every timestamp is
 * {@link System#nanoTime()} of one clock.
 *
 * <pre>
 * java -cp 'bench/target/gantry-bench.jar:bench/target/lib/*' dev.gantry.bench.ApprovalLatencyBench \
 *   --address 127.0.0.1:7233 --releases 200 --rate 2 --updates true --results bench/results
 * </pre>
 */
public final class ApprovalLatencyBench {
  static final String APPLICATION = "bench-app";
  static final String ENVIRONMENT = "production";
  static final String REGION = "us-east-1";
  static final String APPROVER = "alice";
  static final Duration SETUP_TIMEOUT = Duration.ofMinutes(5);
  /** After the last release reaches its gate, give the worker a moment to go quiet before timing. */
  static final Duration SETTLE = Duration.ofSeconds(2);

  record Options(String address, String namespace, int releases, double rate, boolean updates,
      Path results, String serverKind, String serverCli) {
    static Options parse(String[] args) {
      Map<String, String> given = new LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (!arg.startsWith("--")) {
          throw new IllegalArgumentException("unexpected argument '" + arg + "'");
        }
        int eq = arg.indexOf('=');
        if (eq > 0) {
          given.put(arg.substring(2, eq), arg.substring(eq + 1));
        } else if (arg.startsWith("--no-")) {
          given.put(arg.substring(5), "false");
        } else if (i + 1 < args.length) {
          given.put(arg.substring(2), args[++i]);
        } else {
          throw new IllegalArgumentException(arg + " needs a value");
        }
      }
      Options options = new Options(
          given.getOrDefault("address", "127.0.0.1:7233"),
          given.getOrDefault("namespace", "default"),
          Integer.parseInt(given.getOrDefault("releases", "200")),
          Double.parseDouble(given.getOrDefault("rate", "2")),
          Boolean.parseBoolean(given.getOrDefault("updates", "true")),
          Path.of(given.getOrDefault("results", "bench/results")),
          given.getOrDefault("server-kind", "Temporal service at " + given.getOrDefault("address",
              "127.0.0.1:7233")),
          given.getOrDefault("server-cli", "not given"));
      given.keySet().removeAll(List.of("address", "namespace", "releases", "rate", "updates", "results",
          "server-kind", "server-cli"));
      if (!given.isEmpty()) {
        throw new IllegalArgumentException("unknown option(s) " + given.keySet());
      }
      if (options.releases < 1 || options.rate <= 0) {
        throw new IllegalArgumentException("--releases and --rate must be positive");
      }
      return options;
    }
  }

  enum ApprovalPath { SIGNAL, UPDATE }

  /** One approval as the sender saw it. */
  record Sent(long sent, long returned) {}

  private final Options options;
  private final GantryClient gantry;
  private final Path work;
  private final Probes probes = new Probes();
  private final Probes.RecordingAudit audit = probes.new RecordingAudit();
  private final long run = System.currentTimeMillis() / 1000;
  private Path artifact;
  private String digest;

  ApprovalLatencyBench(Options options, GantryClient gantry, Path work) {
    this.options = options;
    this.gantry = gantry;
    this.work = work;
  }

  public static void main(String[] args) {
    int exit = 1;
    try {
      exit = run(Options.parse(args));
    } catch (Exception e) {
      System.err.println("approval-latency benchmark FAILED: " + e.getMessage());
      e.printStackTrace();
    }
    System.exit(exit);
  }

  static int run(Options options) throws Exception {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    Path work = Files.createTempDirectory("gantry-bench-");
    try (GantryClient gantry = GantryClient.connect(options.address(), options.namespace())) {
      ApprovalLatencyBench bench = new ApprovalLatencyBench(options, gantry, work);
      String loadBefore = loadAverage();
      GetClusterInfoResponse cluster = gantry.workflowClient().getWorkflowServiceStubs().blockingStub()
          .getClusterInfo(GetClusterInfoRequest.getDefaultInstance());
      registerSearchAttributes(gantry.workflowClient().getWorkflowServiceStubs(), options.namespace());
      List<Pass> passes = bench.measure();
      Setup setup = new Setup(options.serverKind(), options.serverCli(), cluster.getServerVersion(),
          cluster.getHistoryShardCount(), cluster.getPersistenceStore() + " / visibility "
              + cluster.getVisibilityStore(), options.releases(), options.rate(),
          System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
          Runtime.getRuntime().availableProcessors(),
          System.getProperty("os.name") + " " + System.getProperty("os.arch"),
          loadBefore, loadAverage(), startedAt.toString(), (System.nanoTime() - started) / 1e9);
      String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(startedAt);
      List<Path> files = Results.write(options.results(), stamp, setup, passes);
      System.out.println(Results.markdown(setup, passes));
      System.out.println("written: " + files);
      return 0;
    } finally {
      deleteRecursively(work);
    }
  }

  /** Runs the worker and the passes; fails if any release did not succeed. */
  List<Pass> measure() throws Exception {
    artifact = Files.writeString(work.resolve("bench-app.txt"), "gantry approval latency benchmark " + run
        + "\n", StandardCharsets.UTF_8);
    digest = Digests.sha256(artifact);
    WorkerFactory factory = WorkerFactory.newInstance(gantry.workflowClient());
    BenchActivities.in(work, gantry.workflowClient()).audit(audit)
        .deployments(real -> probes.new RecordingDeployments(real))
        .registerOn(factory.newWorker(TaskQueues.RELEASE));
    factory.start();
    try {
      List<Pass> passes = new ArrayList<>();
      passes.add(pass(ApprovalPath.SIGNAL, 0));
      if (options.updates()) {
        passes.add(pass(ApprovalPath.UPDATE, options.releases()));
      }
      return passes;
    } finally {
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private Pass pass(ApprovalPath path, int firstIndex) throws Exception {
    String name = path.name().toLowerCase(java.util.Locale.ROOT);
    audit.useLog(new JsonlAuditLog(work.resolve("audit-" + name + ".jsonl"), work.resolve("reviews")));
    log(name + ": starting " + options.releases() + " releases");
    List<String> ids = new ArrayList<>();
    for (int i = firstIndex; i < firstIndex + options.releases(); i++) {
      ids.add(gantry.startRelease(request(i)));
    }
    awaitApprovalGates(ids);
    Thread.sleep(SETTLE.toMillis());

    log(name + ": approving at " + options.rate() + "/s");
    List<Sent> sent = approveAtFixedRate(path, ids);
    log(name + ": waiting for " + ids.size() + " releases to finish");
    awaitSuccess(ids);

    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      Long audited = probes.approvalAuditStarted.get(id);
      Long deployed = probes.deployStarted.get(id);
      if (audited == null || deployed == null) {
        throw new IllegalStateException(id + " succeeded but the probes saw no "
            + (audited == null ? "approval audit append" : "deploy activity"));
      }
      samples.add(new Sample(name, id, sent.get(i).sent(), sent.get(i).returned(), audited, deployed));
    }
    long firstSent = sent.get(0).sent();
    long lastSent = sent.get(sent.size() - 1).sent();
    long lastDeploy = samples.stream().mapToLong(Sample::deployStarted).max().orElseThrow();
    double sentPerSecond = sent.size() > 1 ? (sent.size() - 1) / ((lastSent - firstSent) / 1e9) : 0;
    double deployedPerSecond = sent.size() / ((lastDeploy - firstSent) / 1e9);
    return new Pass(name, samples, sentPerSecond, deployedPerSecond);
  }

  private ReleaseRequest request(int index) throws IOException {
    String version = "1.0." + run + "-" + index;
    Path root = Files.createDirectories(work.resolve("targets").resolve(String.valueOf(index)));
    EnvironmentPlan production = EnvironmentPlan.builder()
        .name(ENVIRONMENT)
        .primaryRegion(REGION)
        .waves(List.of(List.of(REGION)))
        .target(new DeployTarget(DeployTarget.LOCAL, root.toString()))
        .healthCheck(new HealthCheck("true", null, null, null, null))
        .approval(new ApprovalPolicy(true, List.of(APPROVER), 1, null))
        .variables(Map.of())
        .verification(VerificationPolicy.notRequired())
        .build();
    return new ReleaseRequest(APPLICATION, version, ArtifactRef.file(artifact.toString(), digest),
        List.of(production), "bench", "approval-latency-bench");
  }

  /**
   * Waits until every release is parked at {@code approval:production} with its audit trail written up to
   * the gate, so that nothing but the approval is in flight when it is sent.
   */
  private void awaitApprovalGates(List<String> ids) throws InterruptedException {
    Set<String> waiting = new LinkedHashSet<>(ids);
    long deadline = System.nanoTime() + SETUP_TIMEOUT.toNanos();
    while (!waiting.isEmpty()) {
      for (Iterator<String> it = waiting.iterator(); it.hasNext(); ) {
        String id = it.next();
        if (!probes.gateOpened.containsKey(id)) {
          continue;
        }
        ReleaseStatus status = gantry.status(id);
        if (status.state().isFinal()) {
          throw new IllegalStateException(id + " ended before its approval: " + status.state() + " "
              + status.failureReason());
        }
        if (("approval:" + ENVIRONMENT).equals(status.stage())) {
          it.remove();
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(waiting.size() + " release(s) did not reach approval:" + ENVIRONMENT
            + " within " + SETUP_TIMEOUT + ", e.g. " + waiting.iterator().next());
      }
      Thread.sleep(200);
    }
  }

  /**
   * Open loop: approval k is sent at start + k/rate whether or not earlier ones have returned, each from a
   * thread of its own, so a slow call never holds back the next approval.
   */
  private List<Sent> approveAtFixedRate(ApprovalPath path, List<String> ids) throws Exception {
    ExecutorService senders = Executors.newCachedThreadPool();
    try {
      long period = (long) (1e9 / options.rate());
      long start = System.nanoTime() + 50_000_000L;
      List<Future<Sent>> calls = new ArrayList<>();
      for (int k = 0; k < ids.size(); k++) {
        long due = start + k * period;
        for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
          LockSupport.parkNanos(due - now);
        }
        String id = ids.get(k);
        calls.add(senders.submit(() -> approve(path, id)));
      }
      List<Sent> sent = new ArrayList<>();
      for (Future<Sent> call : calls) {
        sent.add(call.get(1, TimeUnit.MINUTES));
      }
      return sent;
    } finally {
      senders.shutdownNow();
    }
  }

  private Sent approve(ApprovalPath path, String id) {
    ApprovalSignal approval = ApprovalSignal.of(APPROVER, digest, "bench");
    if (path == ApprovalPath.SIGNAL) {
      ReleaseWorkflow release = gantry.workflowClient().newWorkflowStub(ReleaseWorkflow.class, id);
      long sent = System.nanoTime();
      release.approve(approval); // returns once the server has written the signal to the history
      return new Sent(sent, System.nanoTime());
    }
    long sent = System.nanoTime();
    gantry.approve(id, approval); // the submitApproval update: returns once the workflow accepted it
    return new Sent(sent, System.nanoTime());
  }

  private void awaitSuccess(List<String> ids) throws Exception {
    List<String> failures = new ArrayList<>();
    for (String id : ids) {
      try {
        ReleaseStatus report = gantry.awaitCompletion(id, SETUP_TIMEOUT);
        if (report.state() != ReleaseState.SUCCEEDED) {
          failures.add(id + ": " + report.state());
        }
      } catch (ReleaseFailedException e) {
        failures.add(e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(failures.size() + " of " + ids.size() + " release(s) did not succeed: "
          + String.join("; ", failures.subList(0, Math.min(5, failures.size()))));
    }
  }

  /** The release workflow upserts these; a dev server started with --search-attribute has them already. */
  static void registerSearchAttributes(WorkflowServiceStubs service, String namespace) {
    dev.gantry.starter.client.SearchAttributeSetup.ensure(service, namespace);
  }

  /** The machine's 1, 5 and 15 minute load averages (Linux), to tell a busy machine from a slow server. */
  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void log(String message) {
    System.err.println("[bench] " + message);
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
