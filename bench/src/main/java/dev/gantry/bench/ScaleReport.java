package dev.gantry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of a {@code ScaleBench} run: {@code <results>/<mode>[-<label>].md} (the latest, also printed) and
 * {@code <mode>-<label>-<UTC stamp>.json}; plus the ranks and medians the modes compute.
 */
final class ScaleReport {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final ScaleBench.Options options;

  ScaleReport(ScaleBench.Options options) {
    this.options = options;
  }

  void write(String mode, Map<String, Object> setup, Map<String, Object> figures, Instant startedAt)
      throws IOException {
    Path results = Path.of(options.get("results", "bench/results"));
    Files.createDirectories(results);
    String label = options.get("label", "");
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
              r.get("rep"), number(r.get("gantryWallMs")), number(r.get("bareWallMs")), number(r.get("wallRatio")),
              r.get("gantryWorkflowTasks"), r.get("bareWorkflowTasks"), number(r.get("workflowTaskRatio")),
              r.get("gantryEvents"), r.get("bareEvents"), r.get("activities"), r.get("children"),
              r.get("gantryActivityMs")));
        }
        md.append(String.format(Locale.ROOT, "%nmedian wall ratio **%.2f**, median workflow-task ratio **%.2f**%n",
            number(f.get("medianWallRatio")), number(f.get("medianWorkflowTaskRatio"))));
      }
      case "parked" -> {
        md.append("| releases | s to park | heap/parked KB | threads/parked | threads parked | sample approved at |"
            + " approval->deploy median ms | p99 ms | rest approved at once | finished/s | burst median ms | burst p99 ms |\n"
            + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.3f | %s | %s x %.1f/s | %.0f | %.0f | %s | %s | %s | %s |%n",
            f.get("releases"), number(f.get("secondsToPark")), number(f.get("heapPerParkedKb")),
            number(f.get("threadsPerParked")),
            f.get("threadsParked"), f.get("sampleApprovals"), number(f.get("approvalRatePerSecond")),
            number(f.get("approvalToDeployMedianMs")), number(f.get("approvalToDeployP99Ms")), f.getOrDefault("burstApprovals", 0),
            fmt(f.get("burstFinishedPerSecond"), "%.2f"), fmt(f.get("burstApprovalToDeployMedianMs"), "%.0f"),
            fmt(f.get("burstApprovalToDeployP99Ms"), "%.0f")));
      }
      case "fanout" -> {
        md.append("| layout | rep | deploy wall ms | sum of regions ms | parallelism | release wall ms |\n"
            + "|---|---:|---:|---:|---:|---:|\n");
        for (Object o : (List<?>) f.get("reps")) {
          Map<?, ?> r = (Map<?, ?>) o;
          md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f | %.0f |%n", r.get("layout"),
              r.get("rep"), r.get("deployWallMs"), r.get("sumOfRegionsMs"), number(r.get("parallelism")),
              number(r.get("releaseWallMs"))));
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
    return value == null ? "-" : String.format(Locale.ROOT, format, number(value));
  }

  /** A figure for a {@code %f} conversion, which refuses an Integer or a Long: any number as a Double (null stays null). */
  private static Double number(Object value) {
    return value == null ? null : ((Number) value).doubleValue();
  }

  static double median(List<Map<String, Object>> rows, String key) {
    double[] values = rows.stream().mapToDouble(r -> ((Number) r.get(key)).doubleValue()).sorted().toArray();
    return values.length == 0 ? Double.NaN : rank(values, 0.5);
  }

  static double rank(double[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }
}
