package dev.gantry.activities.analysis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.aws.AwsClients;
import dev.gantry.activities.aws.CloudWatchAlarms;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.support.HttpClients;
import dev.gantry.activities.support.ParseErrors;
import dev.gantry.workflows.api.rollout.AnalysisActivities;
import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.AnalysisRequest;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import dev.gantry.workflows.api.rollout.CloudWatchMetrics;
import dev.gantry.workflows.api.rollout.VersionMetrics;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The automated analysis of a rollout step: reads the new and the baseline version's metrics from the
 * Gantry metrics endpoint (HTTP or a {@code file:} URL) and/or CloudWatch ({@code GetMetricData}) and
 * judges them with {@link MetricsJudge}. When both sources are configured, the worse verdict wins.
 */
public class MetricsAnalysis implements AnalysisActivities {
  private static final Logger log = LoggerFactory.getLogger(MetricsAnalysis.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A metrics answer is a few numbers per version; anything near this size is not one. */
  static final long MAX_METRICS_BYTES = 8 * BoundedFiles.MIB;

  private final AwsClients aws;
  private final Clock clock;
  private final HttpClient http = HttpClients.create(Duration.ofSeconds(5), HttpClient.Redirect.NEVER);

  /** @param aws null when the worker has no AWS access: CloudWatch sources are then refused */
  public MetricsAnalysis(AwsClients aws, Clock clock) {
    this.aws = aws;
    this.clock = clock;
  }

  @Override
  public AnalysisResult analyze(AnalysisRequest request) {
    AnalysisPolicy policy = request.policy();
    if (policy == null || (policy.metricsUrl() == null && policy.cloudWatch() == null)) {
      throw ApplicationFailure.newNonRetryableFailure("the analysis names no metrics source: set"
          + " rollout.analysis.metricsUrl or rollout.analysis.cloudWatch", Failures.INVALID_REQUEST);
    }
    List<AnalysisResult> results = new ArrayList<>();
    if (policy.metricsUrl() != null) {
      results.add(judge("metrics endpoint", policy, fromEndpoint(request)));
    }
    if (policy.cloudWatch() != null) {
      results.add(judge("CloudWatch", policy, fromCloudWatch(request)));
    }
    AnalysisResult verdict = worst(results);
    log.info("analysis release={} env={} region={} version={} weight={} -> {}: {}", request.releaseId(),
        request.environment(), request.region(), request.version(), request.weight(), verdict.verdict(),
        verdict.detail());
    return verdict;
  }

  private static AnalysisResult judge(String source, AnalysisPolicy policy, VersionMetrics[] metrics) {
    AnalysisResult result = MetricsJudge.judge(policy, metrics[0], metrics[1]);
    return new AnalysisResult(result.verdict(), source + ": " + result.detail(), result.canary(), result.baseline());
  }

  static AnalysisResult worst(List<AnalysisResult> results) {
    for (String verdict : List.of(AnalysisResult.FAIL, AnalysisResult.INCONCLUSIVE)) {
      List<AnalysisResult> matching = results.stream().filter(r -> verdict.equals(r.verdict())).toList();
      if (!matching.isEmpty()) {
        return new AnalysisResult(verdict, String.join("; ", matching.stream().map(AnalysisResult::detail).toList()),
            matching.get(0).canary(), matching.get(0).baseline());
      }
    }
    return new AnalysisResult(AnalysisResult.PASS,
        String.join("; ", results.stream().map(AnalysisResult::detail).toList()), results.get(0).canary(),
        results.get(0).baseline());
  }

  /** {@code {"versions": {"1.4.0": {"requests": 1200, "errors": 3, "latencyP99Ms": 180}, ...}}}. */
  VersionMetrics[] fromEndpoint(AnalysisRequest request) {
    String url = request.policy().metricsUrl()
        .replace("{application}", encode(request.application()))
        .replace("{environment}", encode(request.environment()))
        .replace("{region}", encode(request.region()))
        .replace("{version}", encode(request.version()))
        .replace("{baseline}", encode(request.baselineVersion() == null ? "" : request.baselineVersion()))
        .replace("{since}", String.valueOf(request.sinceMillis()));
    String body = fetch(url);
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      // Not Jackson's message: it quotes the body, and a file: URL may name any file of the worker.
      throw ApplicationFailure.newNonRetryableFailure(url + " did not answer JSON: it "
          + ParseErrors.describe(e, "JSON"), Failures.INVALID_REQUEST);
    }
    JsonNode versions = root.path("versions");
    if (root.has("regions")) {
      versions = root.path("regions").path(request.region()).path("versions");
    }
    return new VersionMetrics[] {
        versionOf(versions, request.version()),
        request.baselineVersion() == null ? null : versionOf(versions, request.baselineVersion())};
  }

  /**
   * The version's figures; failing those, the {@code "*"} entry (figures for any version not listed: a demo's or an
   * example pipeline's stand-in file, whose releases take their versions from tags no file can list in advance).
   */
  private static VersionMetrics versionOf(JsonNode versions, String version) {
    JsonNode node = versions.path(version);
    if (node.isMissingNode() || node.isNull()) {
      node = versions.path("*");
    }
    if (node.isMissingNode() || node.isNull()) {
      return new VersionMetrics(version, null, null, null, null);
    }
    return new VersionMetrics(version, longOf(node, "requests"), longOf(node, "errors"),
        node.hasNonNull("errorRate") ? node.get("errorRate").asDouble() : null,
        node.hasNonNull("latencyP99Ms") ? node.get("latencyP99Ms").asDouble() : null);
  }

  private static Long longOf(JsonNode node, String field) {
    return node.hasNonNull(field) ? node.get(field).asLong() : null;
  }

  /** The body of the metrics endpoint, at most {@link #MAX_METRICS_BYTES}: a bigger answer is refused. */
  private String fetch(String url) {
    URI uri = URI.create(url);
    try {
      if ("file".equals(uri.getScheme())) {
        return BoundedFiles.readString(Path.of(uri), MAX_METRICS_BYTES);
      }
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
          .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() / 100 != 2) {
          throw ApplicationFailure.newFailure("GET " + url + " -> " + response.statusCode(), "MetricsUnavailable");
        }
        byte[] bytes = body.readNBytes((int) MAX_METRICS_BYTES + 1);
        if (bytes.length > MAX_METRICS_BYTES) {
          throw ApplicationFailure.newNonRetryableFailure("GET " + url + " answered more than "
              + BoundedFiles.size(MAX_METRICS_BYTES) + " of metrics", Failures.INVALID_REQUEST);
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (BoundedFiles.Refused e) {
      throw ApplicationFailure.newNonRetryableFailure("metrics file " + url + " " + BoundedFiles.describe(e),
          Failures.INVALID_REQUEST);
    } catch (IOException e) {
      throw ApplicationFailure.newFailure("cannot read metrics from " + url + ": " + BoundedFiles.describe(e),
          "MetricsUnavailable");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApplicationFailure.newFailure("interrupted", "MetricsUnavailable");
    }
  }

  /** Requests and errors summed, latency the largest period value, since the step started. */
  VersionMetrics[] fromCloudWatch(AnalysisRequest request) {
    if (aws == null) {
      throw ApplicationFailure.newNonRetryableFailure("this worker has no AWS access for CloudWatch metrics",
          Failures.INVALID_REQUEST);
    }
    CloudWatchMetrics cw = request.policy().cloudWatch();
    CloudWatchAlarms cloudWatch = aws.cloudWatch(request.region());
    Instant end = clock.instant().plusSeconds(1);
    Instant start = Instant.ofEpochMilli(Math.min(request.sinceMillis(), end.toEpochMilli() - 60_000));
    List<String> versions = new ArrayList<>();
    versions.add(request.version());
    if (request.baselineVersion() != null) {
      versions.add(request.baselineVersion());
    }
    List<CloudWatchAlarms.MetricQuery> queries = new ArrayList<>();
    for (int i = 0; i < versions.size(); i++) {
      Map<String, String> dimensions = new LinkedHashMap<>(cw.dimensionsOrEmpty());
      dimensions.put(cw.versionDimensionOrDefault(), versions.get(i));
      int period = cw.periodSecondsOrDefault();
      queries.add(new CloudWatchAlarms.MetricQuery("r" + i, cw.namespace(), cw.requestsMetricOrDefault(),
          dimensions, "Sum", period));
      queries.add(new CloudWatchAlarms.MetricQuery("e" + i, cw.namespace(), cw.errorsMetricOrDefault(),
          dimensions, "Sum", period));
      queries.add(new CloudWatchAlarms.MetricQuery("l" + i, cw.namespace(), cw.latencyMetricOrDefault(),
          dimensions, cw.latencyStatOrDefault(), period));
    }
    Map<String, List<Double>> data = cloudWatch.metricData(queries, start, end);
    VersionMetrics[] metrics = new VersionMetrics[2];
    for (int i = 0; i < versions.size(); i++) {
      metrics[i] = fromSeries(versions.get(i), data.get("r" + i), data.get("e" + i), data.get("l" + i));
    }
    return metrics;
  }

  /**
   * One version's metrics from its CloudWatch series: requests and errors summed, latency the largest value.
   * A series that is absent, empty or holds only NaN/infinite/negative values was not reported (null); errors
   * not reported while requests were count as 0 (an errors metric is often emitted only when there are some).
   * Pure, never throws.
   */
  static VersionMetrics fromSeries(String version, List<Double> requests, List<Double> errors, List<Double> latency) {
    List<Double> r = finiteValues(requests);
    List<Double> e = finiteValues(errors);
    List<Double> l = finiteValues(latency);
    Long requestCount = r.isEmpty() ? null : Math.round(r.stream().mapToDouble(Double::doubleValue).sum());
    Long errorCount;
    if (!e.isEmpty()) {
      errorCount = Math.round(e.stream().mapToDouble(Double::doubleValue).sum());
    } else {
      errorCount = requestCount == null ? null : Long.valueOf(0L);
    }
    Double p99 = l.isEmpty() ? null : l.stream().mapToDouble(Double::doubleValue).max().getAsDouble();
    return new VersionMetrics(version, requestCount, errorCount, null, p99);
  }

  private static List<Double> finiteValues(List<Double> series) {
    if (series == null) {
      return List.of();
    }
    return series.stream().filter(v -> v != null && Double.isFinite(v) && v >= 0).toList();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
