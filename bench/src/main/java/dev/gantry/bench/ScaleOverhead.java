package dev.gantry.bench;

import dev.gantry.activities.signing.DemoKeys;
import dev.gantry.bench.bare.BareWorkflows;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.gantry.bench.ScaleBench.TIMEOUT;
import static dev.gantry.bench.ScaleBench.log;
import static dev.gantry.bench.ScaleReport.median;

/**
 * {@code ScaleBench overhead}: the example release (3 environments, 4 production regions, local target, signing
 * on, approval and window removed; its plan resolved from the example policy) against a bare workflow with as
 * many activities and children, in the same waves, on the same server: wall time and workflow tasks.
 */
final class ScaleOverhead {
  private final ScaleBench.Options options;

  ScaleOverhead(ScaleBench.Options options) {
    this.options = options;
  }

  // the bench worker has to run while the releases do; the body never names it
  @SuppressWarnings("try")
  Map<String, Object> run(GantryClient gantry, Path work) throws Exception {
    int reps = Integer.parseInt(options.get("reps", "3"));
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
      // one warm-up of each, not counted: class loading, JIT, first connections (--no-warmup: the smoke run,
      // which wants the path exercised, not the figure)
      if (!options.has("no-warmup")) {
        gantryRelease(gantry, withVersion(loaded, "0.0." + options.run() + "-warmup"));
        HistoryCounts warm = gantryHistory(gantry, withVersion(loaded, "0.0." + options.run() + "-warmup").releaseId());
        bare(gantry, shapeOf(warm, planned), "warmup");
      }
      for (int rep = 1; rep <= reps; rep++) {
        ReleaseRequest request = withVersion(loaded, "1.4." + options.run() + "-" + rep);
        long gantryNanos = gantryRelease(gantry, request);
        HistoryCounts history = gantryHistory(gantry, request.releaseId());
        BareWorkflows.Shape shape = shapeOf(history, planned);
        long[] bareResult = bare(gantry, shape, String.valueOf(rep));
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("rep", rep);
        row.put("gantryWallMs", gantryNanos / 1e6);
        row.put("bareWallMs", bareResult[0] / 1e6);
        row.put("wallRatio", (double) gantryNanos / bareResult[0]);
        row.put("gantryWorkflowTasks", history.workflowTasks);
        row.put("bareWorkflowTasks", bareResult[1]);
        row.put("workflowTaskRatio", (double) history.workflowTasks / bareResult[1]);
        row.put("gantryEvents", history.events);
        row.put("bareEvents", bareResult[2]);
        row.put("activities", history.activities);
        row.put("children", history.children);
        row.put("gantryActivityMs", history.activityMillis);
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
    String id = "bench-bare/" + options.run() + "/" + tag;
    BareWorkflows.BareRelease stub = client.newWorkflowStub(BareWorkflows.BareRelease.class,
        WorkflowOptions.newBuilder().setTaskQueue(BenchWorker.BARE_QUEUE).setWorkflowId(id).build());
    long start = System.nanoTime();
    stub.run(shape);
    long took = System.nanoTime() - start;
    HistoryCounts parent = HistoryCounts.of(client, id);
    long tasks = parent.workflowTasks;
    long events = parent.events;
    for (String child : parent.childIds) {
      HistoryCounts h = HistoryCounts.of(client, child);
      tasks += h.workflowTasks;
      events += h.events;
    }
    return new long[] {took, tasks, events};
  }

  /** The release's history and its children's, summed. */
  private HistoryCounts gantryHistory(GantryClient gantry, String releaseId) {
    HistoryCounts parent = HistoryCounts.of(gantry.workflowClient(), releaseId);
    HistoryCounts total = new HistoryCounts();
    total.add(parent);
    total.parentActivities = parent.activities;
    total.children = parent.childIds.size();
    for (String child : parent.childIds) {
      total.add(HistoryCounts.of(gantry.workflowClient(), child));
    }
    return total;
  }

  private static BareWorkflows.Shape shapeOf(HistoryCounts history, ReleaseRequest request) {
    List<Integer> waves = new ArrayList<>();
    for (EnvironmentPlan env : request.environments()) {
      env.waves().forEach(wave -> waves.add(wave.size()));
    }
    long childActivities = history.activities - history.parentActivities;
    return new BareWorkflows.Shape((int) history.parentActivities, waves,
        (int) Math.round((double) childActivities / Math.max(1, history.children)));
  }

  /**
   * The repository's example with production's approval and window removed (every gate passes by itself) and the
   * canary's bakes at 0 s.
   */
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
    // The canary's bakes are waits by design, not overhead (the bare workflow does not sleep): its steps
    // (dark launch, smoke check, weights, analyses) still run, without the pauses between them.
    text = text.replaceAll("(?m)^(\\s+bakeSeconds:)\\s*\\d+", "$1 0");
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
}
