package dev.gantry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The figures of one benchmark run and the three files they are written to. */
final class Results {
  private Results() {}

  /** One approval: when it was sent and when its effects started, in {@link System#nanoTime()}. */
  record Sample(String path, String releaseId, long sent, long returned, long auditStarted,
      long deployStarted) {
    double callMs() {
      return millis(returned - sent);
    }

    double toAuditMs() {
      return millis(auditStarted - sent);
    }

    double toDeployMs() {
      return millis(deployStarted - sent);
    }
  }

  /** All approvals of one path (signal or update) and the rates achieved. */
  record Pass(String path, List<Sample> samples, double sentPerSecond, double deployedPerSecond) {}

  /** Nearest-rank percentiles, in milliseconds. */
  record Distribution(int count, double median, double p90, double p99, double max) {
    static Distribution of(List<Sample> samples, ToDoubleFunction<Sample> measure) {
      double[] sorted = samples.stream().mapToDouble(measure).sorted().toArray();
      return new Distribution(sorted.length, rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99),
          sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double quantile) {
      int index = (int) Math.ceil(quantile * sorted.length) - 1;
      return sorted[Math.max(0, index)];
    }
  }

  /** What ran where: every field is read from the server, the JVM or the command line. */
  record Setup(String serverKind, String serverCli, String serverVersion, int historyShards,
      String persistence, int releasesPerPath, double rate, String jvm, int cores, String os,
      String loadAverageBefore, String loadAverageAfter, String startedAt, double wallSeconds) {}

  record Row(String path, String measure, Distribution latency) {}

  private static final Map<String, ToDoubleFunction<Sample>> MEASURES = measures();

  private static Map<String, ToDoubleFunction<Sample>> measures() {
    Map<String, ToDoubleFunction<Sample>> measures = new LinkedHashMap<>();
    measures.put("approval sent -> audit append of the approval starts", Sample::toAuditMs);
    measures.put("approval sent -> region deploy activity starts", Sample::toDeployMs);
    measures.put("approval call returns (signal: accepted by server; update: accepted by workflow)",
        Sample::callMs);
    return measures;
  }

  static List<Row> rows(List<Pass> passes) {
    List<Row> rows = new ArrayList<>();
    for (Pass pass : passes) {
      MEASURES.forEach((name, measure) -> rows.add(new Row(pass.path(), name,
          Distribution.of(pass.samples(), measure))));
    }
    return rows;
  }

  static String markdown(Setup setup, List<Pass> passes) {
    StringBuilder md = new StringBuilder()
        .append("# Approval latency\n\n")
        .append("Time from an approval being sent to the release's next activity starting, measured against")
        .append(" the real Temporal dev server (`bench/run-approval-latency.sh`).\n\n")
        .append("| path | measure | count | median ms | p90 ms | p99 ms | max ms |\n")
        .append("|---|---|---:|---:|---:|---:|---:|\n");
    for (Row row : rows(passes)) {
      Distribution d = row.latency();
      md.append(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f |%n", row.path(),
          row.measure(), d.count(), d.median(), d.p90(), d.p99(), d.max()));
    }
    md.append("\n| path | approvals | approvals/s sent (target ").append(fmt(setup.rate()))
        .append(") | approvals/s through to deploy start |\n|---|---:|---:|---:|\n");
    for (Pass pass : passes) {
      md.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", pass.path(),
          pass.samples().size(), pass.sentPerSecond(), pass.deployedPerSecond()));
    }
    List<String> overCapacity = passes.stream().filter(pass -> overCapacity(setup, pass))
        .map(pass -> String.format(Locale.ROOT, "%s (%.2f/s)", pass.path(), pass.deployedPerSecond())).toList();
    if (!overCapacity.isEmpty()) {
      md.append("\n**Over capacity**: approvals were sent at ").append(fmt(setup.rate()))
          .append("/s but this setup carried them through to the deploy at only ")
          .append(String.join(", ", overCapacity))
          .append(", so a backlog built up during the run and these latencies are mostly queueing time.")
          .append(" For the latency of an approval on an unsaturated system, rerun with `--rate` below that.\n");
    }
    md.append("\nSetup\n\n")
        .append("- server: ").append(setup.serverKind()).append(", `temporal --version`: ")
        .append(setup.serverCli()).append("; server version ").append(setup.serverVersion())
        .append(", ").append(setup.historyShards()).append(" history shard(s), persistence ")
        .append(setup.persistence()).append(" (one shard: not a production capacity figure)\n")
        .append("- releases: ").append(setup.releasesPerPath()).append(" per path, one environment")
        .append(" (production), one region, one approver; approvals sent open-loop at ")
        .append(fmt(setup.rate())).append("/s, one at a time, each to a release parked at its gate\n")
        .append("- worker: in the benchmark's JVM, SDK defaults, real `JsonlAuditLog` (one file per path)")
        .append(" and real `LocalTarget` deployments with a `true` health check\n")
        .append("- JVM: ").append(setup.jvm()).append("; ").append(setup.cores())
        .append(" cores available (shared with other work); ").append(setup.os())
        .append("; load average (1/5/15 min) ").append(setup.loadAverageBefore()).append(" before, ")
        .append(setup.loadAverageAfter()).append(" after\n")
        .append("- started ").append(setup.startedAt()).append(", wall time ")
        .append(fmt(setup.wallSeconds())).append(" s (harness: setup, both passes, completion)\n")
        .append("- percentiles: nearest rank over all samples; times are System.nanoTime() in one JVM\n");
    return md.toString();
  }

  static String csv(List<Pass> passes) {
    StringBuilder csv = new StringBuilder("path,release_id,call_ms,to_audit_ms,to_deploy_ms\n");
    for (Pass pass : passes) {
      for (Sample s : pass.samples()) {
        csv.append(String.format(Locale.ROOT, "%s,%s,%.3f,%.3f,%.3f%n", s.path(), s.releaseId(),
            s.callMs(), s.toAuditMs(), s.toDeployMs()));
      }
    }
    return csv.toString();
  }

  static String json(Setup setup, List<Pass> passes) throws IOException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("benchmark", "approval-latency");
    summary.put("setup", setup);
    List<Map<String, Object>> rates = new ArrayList<>();
    for (Pass pass : passes) {
      rates.add(Map.of("path", pass.path(), "approvals", pass.samples().size(),
          "sentPerSecond", pass.sentPerSecond(), "deployedPerSecond", pass.deployedPerSecond(),
          "overCapacity", overCapacity(setup, pass)));
    }
    summary.put("rates", rates);
    summary.put("latencyMs", rows(passes));
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary) + "\n";
  }

  /** Writes {@code approval-latency-<stamp>.csv|json} and {@code approval-latency.md}; returns the paths. */
  static List<Path> write(Path dir, String stamp, Setup setup, List<Pass> passes) throws IOException {
    Files.createDirectories(dir);
    Path csv = Files.writeString(dir.resolve("approval-latency-" + stamp + ".csv"), csv(passes));
    Path json = Files.writeString(dir.resolve("approval-latency-" + stamp + ".json"), json(setup, passes));
    Path md = Files.writeString(dir.resolve("approval-latency.md"), markdown(setup, passes));
    return List.of(md, csv, json);
  }

  /** The approvals went through more slowly than they were sent: the run measured a growing backlog. */
  static boolean overCapacity(Setup setup, Pass pass) {
    return pass.deployedPerSecond() < 0.9 * setup.rate();
  }

  private static double millis(long nanos) {
    return nanos / 1_000_000.0;
  }

  private static String fmt(double value) {
    return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
  }
}
