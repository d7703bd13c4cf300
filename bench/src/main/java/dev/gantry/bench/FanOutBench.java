package dev.gantry.bench;

import dev.gantry.activities.aws.ArtifactReplicator;
import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.AwsSettings;
import dev.gantry.activities.aws.LambdaTarget;
import dev.gantry.activities.aws.RegionHealthChecks;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.LambdaSettings;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.TaskQueues;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.worker.WorkerFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.model.Runtime;

/**
 * Fan-out of a four-region Lambda release (issue 6): the real release and region workflows on a real
 * Temporal dev server, the real Lambda adapter against moto. Per run: approve the production gate, then
 * measure from the region workflows' own histories
 * <ul>
 *   <li>each region's own time (child started -> child completed),</li>
 *   <li>the deploy wall time (first child started -> last child completed),</li>
 *   <li>parallelism ratio = sum of the regions' own times / deploy wall time (1.0 = sequential),</li>
 *   <li>gate -> in sync = approval sent -> last region completed (all aliases on the new version).</li>
 * </ul>
 * moto answers in milliseconds where AWS takes seconds (UpdateFunctionCode, alias propagation): the
 * figures measure Gantry's orchestration, not Lambda.
 */
public final class FanOutBench {
  static final List<String> REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-1");
  static final String APPLICATION = "fanout-app";
  static final String FUNCTION = "fanout-app";

  record Options(String address, String namespace, URI moto, int runs, Integer maxParallel, Path results,
      String serverKind) {
    static Options parse(String[] args) {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
      }
      return new Options(values.getOrDefault("address", "127.0.0.1:7233"),
          values.getOrDefault("namespace", "default"), URI.create(values.getOrDefault("moto", "http://127.0.0.1:5000")),
          Integer.parseInt(values.getOrDefault("runs", "5")),
          values.containsKey("max-parallel") ? Integer.valueOf(values.get("max-parallel")) : null,
          Path.of(values.getOrDefault("results", "bench/results")),
          values.getOrDefault("server-kind", "temporal server start-dev"));
    }
  }

  record Run(int index, String version, Map<String, Double> regionSeconds, double sumSeconds, double wallSeconds,
      double ratio, double gateToSyncSeconds) {}

  public static void main(String[] args) {
    int exit = 1;
    try {
      exit = run(Options.parse(args));
    } catch (Exception e) {
      System.err.println("fan-out benchmark FAILED: " + e);
      e.printStackTrace();
    }
    System.exit(exit);
  }

  static int run(Options options) throws Exception {
    Path work = Files.createTempDirectory("gantry-fanout-");
    AwsClients aws = new AwsClients(new AwsSettings(options.moto(), "testing", "testing"));
    try (GantryClient gantry = GantryClient.connect(options.address(), options.namespace())) {
      dev.gantry.starter.client.SearchAttributeSetup.ensure(gantry.workflowClient().getWorkflowServiceStubs(),
          options.namespace());
      AwsTarget target = world(aws);
      WorkerFactory factory = WorkerFactory.newInstance(gantry.workflowClient());
      BenchActivities.in(work, gantry.workflowClient()).aws(aws).targets(List.of(new LambdaTarget(aws,
              new ArtifactReplicator(aws), new RegionHealthChecks(aws, new HealthChecker()), Clock.systemUTC())))
          .registerOn(factory.newWorker(TaskQueues.RELEASE));
      factory.start();
      List<Run> runs = new ArrayList<>();
      long stamp = System.currentTimeMillis() / 1000;
      try {
        for (int i = 0; i < options.runs(); i++) {
          runs.add(measure(gantry, target, work, i, "1." + stamp + "." + i, options.maxParallel()));
          Run last = runs.get(runs.size() - 1);
          log(String.format(Locale.ROOT, "run %d: regions %s sum %.3fs wall %.3fs ratio %.2f gate->sync %.3fs",
              i, last.regionSeconds(), last.sumSeconds(), last.wallSeconds(), last.ratio(), last.gateToSyncSeconds()));
        }
      } finally {
        factory.shutdown();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
      write(options, runs);
      return 0;
    } finally {
      aws.close();
    }
  }

  /** IAM role, function, bucket and alarm in every region, as an operator sets them up once. */
  static AwsTarget world(AwsClients aws) {
    String role;
    try (IamClient iam = IamClient.builder().endpointOverride(aws.settings().endpoint())
        .credentialsProvider(aws.credentials()).region(Region.AWS_GLOBAL).build()) {
      role = iam.createRole(b -> b.roleName("fanout-" + System.nanoTime())
          .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}")).role().arn();
    }
    Map<String, AwsRegionSettings> regions = new LinkedHashMap<>();
    for (String region : REGIONS) {
      aws.s3(region).createBucket(b -> {
        b.bucket("gantry-artifacts-" + region);
        if (!"us-east-1".equals(region)) {
          b.createBucketConfiguration(c -> c.locationConstraint(region));
        }
      });
      aws.s3(region).putBucketVersioning(b -> b.bucket("gantry-artifacts-" + region).versioningConfiguration(
          v -> v.status(software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));
      aws.lambda(region).createFunction(b -> b.functionName(FUNCTION).runtime(Runtime.PYTHON3_12).role(role)
          .handler("app.handler").code(c -> c.zipFile(SdkBytes.fromByteArray(zip("created")))));
      aws.cloudWatch(region).putMetricAlarm("fanout-5xx-" + region, "fanout", "5xx", 5);
      aws.cloudWatch(region).setState("fanout-5xx-" + region, "OK", "bench");
      regions.put(region, new AwsRegionSettings(null, List.of("fanout-5xx-" + region), null, null, null));
    }
    return new AwsTarget("123456789012", "gantry-artifacts-{region}", new LambdaSettings(FUNCTION, "live", role),
        null, null, regions, 0);
  }

  static Run measure(GantryClient gantry, AwsTarget target, Path work, int index, String version,
      Integer maxParallel) throws Exception {
    Path file = work.resolve(APPLICATION + "-" + version + ".zip");
    Files.write(file, zip(version));
    ArtifactRef artifact = ArtifactRef.file(file.toString(), Digests.sha256(file));
    EnvironmentPlan production = EnvironmentPlan.builder()
        .name("production")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1"), List.of("us-west-2", "eu-west-1", "ap-southeast-1")))
        .target(DeployTarget.aws(DeployTarget.LAMBDA, target))
        .healthCheck(new HealthCheck(null, null, 30, 3, 1))
        .approval(new ApprovalPolicy(true, List.of("alice"), 1, null))
        .variables(Map.of())
        .verification(dev.gantry.workflows.api.signing.VerificationPolicy.notRequired())
        .maxParallelRegions(maxParallel)
        .build();
    ReleaseRequest request = new ReleaseRequest(APPLICATION, version, artifact, List.of(production), "dana",
        "fanout-bench");
    String id = gantry.startRelease(request);
    awaitStage(gantry, id, "approval:production");
    Instant gate = Instant.now();
    gantry.approve(id, new ApprovalSignal("alice", "bench", null, artifact.digest(), null, null, null));
    ReleaseStatus done = gantry.awaitCompletion(id, Duration.ofMinutes(5));
    if (done.state() != ReleaseState.SUCCEEDED) {
      throw new IllegalStateException(id + " ended " + done.state() + ": " + done.failureReason());
    }
    Map<String, Double> own = new LinkedHashMap<>();
    Instant firstStart = null;
    Instant lastEnd = null;
    for (String region : REGIONS) {
      List<HistoryEvent> events = gantry.workflowClient()
          .fetchHistory(ReleaseIds.region(id, "production", region)).getEvents();
      Instant start = time(events.get(0));
      Instant end = time(events.get(events.size() - 1));
      own.put(region, seconds(start, end));
      firstStart = firstStart == null || start.isBefore(firstStart) ? start : firstStart;
      lastEnd = lastEnd == null || end.isAfter(lastEnd) ? end : lastEnd;
    }
    double sum = own.values().stream().mapToDouble(Double::doubleValue).sum();
    double wall = seconds(firstStart, lastEnd);
    return new Run(index, version, own, sum, wall, sum / wall, seconds(gate, lastEnd));
  }

  private static void awaitStage(GantryClient gantry, String id, String stage) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      if (stage.equals(gantry.status(id).stage())) {
        return;
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException(id + " never reached " + stage);
  }

  private static Instant time(HistoryEvent event) {
    return Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  static void write(Options options, List<Run> runs) throws IOException {
    Files.createDirectories(options.results());
    StringBuilder csv = new StringBuilder("run,version," + String.join(",", REGIONS.stream()
        .map(r -> r + "_s").toList()) + ",sum_s,wall_s,parallelism_ratio,gate_to_sync_s\n");
    for (Run run : runs) {
      csv.append(run.index()).append(',').append(run.version());
      REGIONS.forEach(r -> csv.append(',').append(format(run.regionSeconds().get(r))));
      csv.append(',').append(format(run.sumSeconds())).append(',').append(format(run.wallSeconds()))
          .append(',').append(format(run.ratio())).append(',').append(format(run.gateToSyncSeconds())).append('\n');
    }
    Files.writeString(options.results().resolve("fanout.csv"), csv, StandardCharsets.UTF_8);
    double[] ratios = runs.stream().mapToDouble(Run::ratio).sorted().toArray();
    double[] syncs = runs.stream().mapToDouble(Run::gateToSyncSeconds).sorted().toArray();
    double[] walls = runs.stream().mapToDouble(Run::wallSeconds).sorted().toArray();
    double[] sums = runs.stream().mapToDouble(Run::sumSeconds).sorted().toArray();
    String md = "# Fan-out of a four-region Lambda release\n\n"
        + "`bench/run-fanout.sh` (`dev.gantry.bench.FanOutBench`), " + Instant.now() + ". " + runs.size()
        + " releases of " + APPLICATION + " to us-east-1, then us-west-2 + eu-west-1 + ap-southeast-1 in"
        + " parallel" + (options.maxParallel() == null ? "" : " (at most " + options.maxParallel() + " at once)")
        + ", after one approval gate.\n\n"
        + "- Temporal: " + options.serverKind() + " (one history shard; not a capacity figure)\n"
        + "- AWS: moto " + options.moto() + " (Lambda create/publish/alias, S3, CloudWatch alarms set by hand);"
        + " moto answers in milliseconds where AWS takes seconds, so these figures measure Gantry's"
        + " orchestration overhead, not Lambda\n"
        + "- healthyForSeconds 0 (no bake time), one health reading per region\n"
        + "- machine: " + java.lang.Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + "\n\n"
        + "| measure | median | max |\n|---|---|---|\n"
        + row("sum of the four regions' own times (s)", sums)
        + row("deploy wall time, first region start to last region end (s)", walls)
        + row("parallelism ratio (sum / wall; 1.0 = sequential; with the primary alone first, 2.0 when every"
            + " region takes as long)", ratios)
        + row("last gate (approval sent) to all four regions in sync (s)", syncs)
        + "\nPer run: `bench/results/fanout.csv`.\n";
    Files.writeString(options.results().resolve("fanout.md"), md, StandardCharsets.UTF_8);
    System.out.println(md);
  }

  private static String row(String name, double[] sorted) {
    return "| " + name + " | " + format(sorted[sorted.length / 2]) + " | " + format(sorted[sorted.length - 1])
        + " |\n";
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  static byte[] zip(String version) {
    try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("app.py"));
      zip.write(("def handler(event, context):\n    return '" + version + "'\n").getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.finish();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void log(String message) {
    System.err.println("fanout: " + message);
  }
}
