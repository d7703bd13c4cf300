package dev.gantry.bench;

import dev.gantry.activities.local.Digests;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.gantry.bench.ScaleBench.TIMEOUT;
import static dev.gantry.bench.ScaleBench.log;

/**
 * {@code ScaleBench fanout}: four regions deployed in one wave (and in the example's waves), each with a health
 * check that sleeps: the deploy's wall time against the sum of the regional times.
 */
final class ScaleFanout {
  private final ScaleBench.Options options;

  ScaleFanout(ScaleBench.Options options) {
    this.options = options;
  }

  // the bench worker has to run while the releases do; the body never names it
  @SuppressWarnings("try")
  Map<String, Object> run(GantryClient gantry, Path work) throws Exception {
    int reps = Integer.parseInt(options.get("reps", "3"));
    int sleep = Integer.parseInt(options.get("sleep-seconds", "1"));
    Path artifact = Files.writeString(work.resolve("fanout-app.txt"), "fanout " + options.run() + "\n", StandardCharsets.UTF_8);
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
          EnvironmentPlan production = EnvironmentPlan.builder()
              .name("production")
              .primaryRegion(regions.get(0))
              .waves(layout.getValue())
              .target(new DeployTarget(DeployTarget.LOCAL, root.toString()))
              .healthCheck(new HealthCheck("sleep " + sleep, null, sleep + 30, 1, null))
              .approval(ApprovalPolicy.none())
              .variables(Map.of())
              .verification(VerificationPolicy.notRequired())
              .build();
          ReleaseRequest request = new ReleaseRequest("fanout-app", "1.0." + options.run() + "-" + index++,
              ArtifactRef.file(artifact.toString(), digest), List.of(production), "bench", "scale-bench");
          long start = System.nanoTime();
          gantry.awaitCompletion(gantry.startRelease(request), TIMEOUT);
          double releaseMs = (System.nanoTime() - start) / 1e6;
          if (rep == 0) {
            continue; // warm-up
          }
          HistoryCounts parent = HistoryCounts.of(gantry.workflowClient(), request.releaseId());
          long first = Long.MAX_VALUE;
          long last = 0;
          long sum = 0;
          for (String child : parent.childIds) {
            HistoryCounts h = HistoryCounts.of(gantry.workflowClient(), child);
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
}
