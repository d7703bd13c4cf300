package dev.gantry.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import dev.gantry.workflows.api.aws.AwsTarget;
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

/**
 * Sync time (issue 16, part 6): from the last gate (the production approval) to all four regions in sync
 * (every region's workflow closed, every alias on the new version), for real timing values: the example
 * policy's ({@code examples/aws/policy/environments/production/config.yaml}: its waves,
 * {@code maxParallelRegions}, {@code target.aws.healthyForSeconds} and health check) and the values the
 * multi-region handbook recommends. The real release and region workflows on the real dev server, the real
 * Lambda adapter (replication, publish, alias, CloudWatch alarms watched for {@code healthyForSeconds})
 * against moto. One release per scenario by default: each takes minutes, almost all of it the
 * healthy-for watches. Prints a table and writes {@code bench/results/sync-time.md}.
 *
 * <p>Expected: waves after batching x (healthyForSeconds + the deploy and a reading, seconds on moto).
 */
public final class SyncTimeBench {
  /** The handbook's recommended production values (docs/multi-region-handbook.md#sync-time). */
  static final Scenario HANDBOOK = new Scenario("handbook recommendation",
      List.of(List.of("us-east-1"), List.of("us-west-2", "eu-west-1", "ap-southeast-1")), null, 90, 3, 10, null);
  static final double TARGET_SECONDS = 300;

  record Scenario(String name, List<List<String>> waves, Integer maxParallel, int healthyFor, Integer attempts,
      Integer interval, Integer timeout) {
    int batches() {
      int count = 0;
      for (List<String> wave : waves) {
        count += maxParallel == null || maxParallel < 1 ? 1 : (wave.size() + maxParallel - 1) / maxParallel;
      }
      return count;
    }

    String describe() {
      return waves.size() + " wave(s), maxParallelRegions " + (maxParallel == null ? "-" : maxParallel) + " ("
          + batches() + " batch(es)), healthyForSeconds " + healthyFor;
    }
  }

  record Run(Scenario scenario, int index, double gateToSync, Map<String, Double> regionSeconds) {}

  public static void main(String[] args) {
    int exit = 1;
    try {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i + 1 < args.length; i += 2) {
        values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
      }
      exit = run(values);
    } catch (Exception e) {
      System.err.println("sync-time benchmark FAILED: " + e);
      e.printStackTrace();
    }
    System.exit(exit);
  }

  static int run(Map<String, String> options) throws Exception {
    String address = options.getOrDefault("address", "127.0.0.1:7233");
    URI moto = URI.create(options.getOrDefault("moto", "http://127.0.0.1:5000"));
    int runs = Integer.parseInt(options.getOrDefault("runs", "1"));
    Path results = Path.of(options.getOrDefault("results", "bench/results"));
    Path example = Path.of(options.getOrDefault("example",
        "examples/aws/policy/environments/production/config.yaml"));
    List<Scenario> scenarios = new ArrayList<>();
    String only = options.getOrDefault("only", "both");
    if (!only.equals("handbook")) {
      scenarios.add(fromConfig("example policy (" + example + ")", example));
    }
    if (!only.equals("example")) {
      scenarios.add(HANDBOOK);
    }
    Path work = Files.createTempDirectory("gantry-sync-");
    AwsClients aws = new AwsClients(new AwsSettings(moto, "testing", "testing"));
    List<Run> measured = new ArrayList<>();
    try (GantryClient gantry = GantryClient.connect(address, "default")) {
      dev.gantry.starter.client.SearchAttributeSetup.ensure(gantry.workflowClient().getWorkflowServiceStubs(),
          "default");
      AwsTarget world = FanOutBench.world(aws);
      WorkerFactory factory = WorkerFactory.newInstance(gantry.workflowClient());
      BenchActivities.in(work, gantry.workflowClient()).aws(aws).targets(List.of(new LambdaTarget(aws,
              new ArtifactReplicator(aws), new RegionHealthChecks(aws, new HealthChecker()), Clock.systemUTC())))
          .registerOn(factory.newWorker(TaskQueues.RELEASE));
      factory.start();
      long stamp = System.currentTimeMillis() / 1000;
      try {
        int n = 0;
        for (Scenario scenario : scenarios) {
          for (int i = 0; i < runs; i++) {
            log("measuring " + scenario.name() + ": " + scenario.describe());
            Run run = measure(gantry, world, work, scenario, i, "2." + stamp + "." + n++);
            measured.add(run);
            log(String.format(Locale.ROOT, "%s run %d: last gate -> all four regions in sync %.1f s (%s)",
                scenario.name(), i, run.gateToSync(), minutes(run.gateToSync())));
          }
        }
      } finally {
        factory.shutdown();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
    } finally {
      aws.close();
    }
    write(results, moto, measured);
    return measured.stream().allMatch(r -> r.gateToSync() <= TARGET_SECONDS) ? 0 : 3;
  }

  /** The timing values of an environment config: waves, maxParallelRegions, healthyForSeconds, health check. */
  static Scenario fromConfig(String name, Path config) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(config.toFile());
    List<List<String>> waves = new ArrayList<>();
    for (JsonNode wave : root.path("waves")) {
      List<String> regions = new ArrayList<>();
      wave.forEach(region -> regions.add(region.asText()));
      waves.add(regions);
    }
    JsonNode health = root.path("healthCheck");
    return new Scenario(name, waves, root.hasNonNull("maxParallelRegions") ? root.get("maxParallelRegions").asInt() : null,
        root.path("target").path("aws").path("healthyForSeconds").asInt(0),
        health.hasNonNull("attempts") ? health.get("attempts").asInt() : null,
        health.hasNonNull("intervalSeconds") ? health.get("intervalSeconds").asInt() : null,
        health.hasNonNull("timeoutSeconds") ? health.get("timeoutSeconds").asInt() : null);
  }

  static Run measure(GantryClient gantry, AwsTarget world, Path work, Scenario scenario, int index,
      String version) throws Exception {
    Path file = work.resolve(FanOutBench.APPLICATION + "-" + version + ".zip");
    Files.write(file, FanOutBench.zip(version));
    ArtifactRef artifact = ArtifactRef.file(file.toString(), Digests.sha256(file));
    AwsTarget target = new AwsTarget(world.account(), world.artifactBucket(), world.lambda(), null, null,
        world.regions(), scenario.healthyFor());
    // as the policy loader does: one attempt watches healthyForSeconds, its timeout 30 s longer by default
    HealthCheck health = new HealthCheck(null, null,
        scenario.timeout() == null ? scenario.healthyFor() + 30 : scenario.timeout(), scenario.attempts(),
        scenario.interval());
    EnvironmentPlan production = EnvironmentPlan.builder()
        .name("production")
        .primaryRegion("us-east-1")
        .waves(scenario.waves())
        .target(DeployTarget.aws(DeployTarget.LAMBDA, target))
        .healthCheck(health)
        .approval(new ApprovalPolicy(true, List.of("alice"), 1, null))
        .variables(Map.of())
        .verification(dev.gantry.workflows.api.signing.VerificationPolicy.notRequired())
        .maxParallelRegions(scenario.maxParallel())
        .build();
    ReleaseRequest request = new ReleaseRequest(FanOutBench.APPLICATION, version, artifact, List.of(production),
        "dana", "sync-bench");
    String id = gantry.startRelease(request);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!"approval:production".equals(gantry.status(id).stage())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " never reached its approval gate");
      }
      Thread.sleep(20);
    }
    Instant gate = Instant.now();
    gantry.approve(id, new ApprovalSignal("alice", "bench", null, artifact.digest(), null, null, null));
    ReleaseStatus done = gantry.awaitCompletion(id, Duration.ofMinutes(20));
    if (done.state() != ReleaseState.SUCCEEDED) {
      throw new IllegalStateException(id + " ended " + done.state() + ": " + done.failureReason());
    }
    Instant lastEnd = null;
    Map<String, Double> own = new LinkedHashMap<>();
    for (String region : FanOutBench.REGIONS) {
      List<HistoryEvent> events = gantry.workflowClient()
          .fetchHistory(ReleaseIds.region(id, "production", region)).getEvents();
      Instant start = time(events.get(0));
      Instant end = time(events.get(events.size() - 1));
      own.put(region, Duration.between(start, end).toMillis() / 1000.0);
      lastEnd = lastEnd == null || end.isAfter(lastEnd) ? end : lastEnd;
    }
    return new Run(scenario, index, Duration.between(gate, lastEnd).toNanos() / 1e9, own);
  }

  private static Instant time(HistoryEvent event) {
    return Instant.ofEpochSecond(event.getEventTime().getSeconds(), event.getEventTime().getNanos());
  }

  static String minutes(double seconds) {
    long whole = Math.round(seconds);
    return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
  }

  static void write(Path results, URI moto, List<Run> runs) throws IOException {
    Files.createDirectories(results);
    StringBuilder md = new StringBuilder("# Sync time: last gate to four regions in sync\n\n")
        .append("`bench/run-sync.sh` (`dev.gantry.bench.SyncTimeBench`), ").append(Instant.now())
        .append(". One four-region Lambda release per row: the production approval is sent, then the time until")
        .append(" the last region's workflow closed (every alias on the new version, every region healthy for")
        .append(" `healthyForSeconds`). Target: ").append((int) TARGET_SECONDS).append(" s.\n\n")
        .append("- Temporal: dev server (SQLite file, one shard); AWS: moto ").append(moto)
        .append(" (answers in milliseconds: on AWS add the real deploy time per batch)\n")
        .append("- machine: ").append(java.lang.Runtime.getRuntime().availableProcessors()).append(" cores\n\n")
        .append("| values | waves x batches | expected (batches x healthyForSeconds) | measured | within 5 min |\n")
        .append("|---|---|---|---|---|\n");
    for (Run run : runs) {
      Scenario s = run.scenario();
      md.append("| ").append(s.name()).append(": ").append(s.describe()).append(" | ")
          .append(s.waves().size()).append(" x ").append(s.batches()).append(" | ")
          .append(s.batches() * s.healthyFor()).append(" s | ")
          .append(String.format(Locale.ROOT, "%.1f s (%s)", run.gateToSync(), minutes(run.gateToSync())))
          .append(" | ").append(run.gateToSync() <= TARGET_SECONDS ? "yes" : "NO").append(" |\n");
    }
    md.append("\nPer region (child workflow start to close, s): ");
    for (Run run : runs) {
      md.append("\n- ").append(run.scenario().name()).append(": ").append(run.regionSeconds());
    }
    md.append('\n');
    Files.writeString(results.resolve("sync-time.md"), md, StandardCharsets.UTF_8);
    System.out.println(md);
  }

  private static void log(String message) {
    System.err.println("sync: " + message);
  }
}
