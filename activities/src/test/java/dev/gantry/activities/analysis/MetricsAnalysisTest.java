package dev.gantry.activities.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.AnalysisRequest;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import io.temporal.failure.ApplicationFailure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Gantry metrics endpoint format, served by a real local HTTP server, and from a file. */
class MetricsAnalysisTest {
  private HttpServer server;
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private volatile String body;
  private final MetricsAnalysis analysis = new MetricsAnalysis(null, Clock.systemUTC());
  @TempDir Path dir;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", exchange -> {
      asked.add(exchange.getRequestURI().toString());
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort()
        + "/metrics?app={application}&env={environment}&region={region}&version={version}&baseline={baseline}";
  }

  AnalysisRequest request(String url, AnalysisPolicy rules) {
    return new AnalysisRequest("release/hello-service/1.4.0", "hello-service", "production", "us-east-1", "1.4.0",
        "1.3.0", 2, 25, new AnalysisPolicy(url, null, rules.maxErrorRate(), rules.maxLatencyP99Ms(),
            rules.maxErrorRateIncrease(), rules.maxLatencyP99IncreaseMs(), rules.minRequests(), 60, null), 0L);
  }

  static AnalysisPolicy rules(Double maxErrorRate, Double maxP99, Double maxIncrease, Long minRequests) {
    return new AnalysisPolicy(null, null, maxErrorRate, maxP99, maxIncrease, null, minRequests, null, null);
  }

  @Test
  void thresholdsAndBaselineDecidePassAndFail() {
    body = """
        {"versions": {
          "1.4.0": {"requests": 1000, "errors": 30, "latencyP99Ms": 240},
          "1.3.0": {"requests": 9000, "errors": 9, "latencyP99Ms": 200}}}""";

    AnalysisResult high = analysis.analyze(request(url(), rules(0.01, 500.0, null, 100L)));
    assertThat(high.verdict()).isEqualTo(AnalysisResult.FAIL);
    assertThat(high.detail()).isEqualTo("metrics endpoint: error rate 3.00% > max 1.00% (1000 requests)");
    assertThat(asked.get(0)).contains("app=hello-service&env=production&region=us-east-1&version=1.4.0"
        + "&baseline=1.3.0");

    AnalysisResult worse = analysis.analyze(request(url(), rules(0.05, null, 0.01, 100L)));
    assertThat(worse.verdict()).isEqualTo(AnalysisResult.FAIL);
    assertThat(worse.detail()).contains("error rate 3.00% vs 0.10% on 1.3.0 (+2.90% > max +1.00%)");

    AnalysisResult fine = analysis.analyze(request(url(), rules(0.05, 500.0, 0.05, 100L)));
    assertThat(fine.verdict()).isEqualTo(AnalysisResult.PASS);
    assertThat(fine.canary().errors()).isEqualTo(30);
    assertThat(fine.baseline().requests()).isEqualTo(9000);
  }

  @Test
  void tooFewRequestsOrAMissingVersionIsInconclusive() {
    body = "{\"versions\": {\"1.4.0\": {\"requests\": 12, \"errors\": 0, \"latencyP99Ms\": 90}}}";
    AnalysisResult few = analysis.analyze(request(url(), rules(0.01, null, null, 100L)));
    assertThat(few.verdict()).isEqualTo(AnalysisResult.INCONCLUSIVE);
    assertThat(few.detail()).contains("12 request(s) to 1.4.0 < minRequests 100");

    body = "{\"versions\": {}}";
    assertThat(analysis.analyze(request(url(), rules(0.01, null, null, 1L))).verdict())
        .isEqualTo(AnalysisResult.INCONCLUSIVE);
  }

  /** A stand-in file's "*" entry answers for every version it does not list (the example pipeline's tags). */
  @Test
  void theStarEntryAnswersForAnyVersionNotListed() {
    body = """
        {"versions": {
          "1.3.0": {"requests": 9000, "errors": 9, "latencyP99Ms": 200},
          "*": {"requests": 1200, "errors": 1, "latencyP99Ms": 150}}}""";
    AnalysisResult result = analysis.analyze(request(url(), rules(0.01, 500.0, 0.005, 100L)));
    assertThat(result.verdict()).isEqualTo(AnalysisResult.PASS);
    assertThat(result.canary().requests()).isEqualTo(1200);
    assertThat(result.baseline().requests()).as("a listed version keeps its own figures").isEqualTo(9000);
  }

  @Test
  void aFileUrlWithPerRegionSectionsServesDemosAndTests() throws Exception {
    Path file = dir.resolve("metrics.json");
    Files.writeString(file, """
        {"regions": {"us-east-1": {"versions": {"1.4.0": {"requests": 500, "errorRate": 0.002,
          "latencyP99Ms": 120}}}}}""");
    AnalysisResult result = analysis.analyze(request(file.toUri().toString(), rules(0.01, 300.0, null, 100L)));
    assertThat(result.verdict()).isEqualTo(AnalysisResult.PASS);
    assertThat(result.detail()).contains("error rate 0.20% <= 1.00%").contains("p99 120ms <= 300ms");
  }

  /** The attack: a metrics file: URL pointed at a file of secrets, and the JSON error quoted it. */
  @Test
  void aMetricsFileOfSecretsIsRefusedWithoutQuotingIt() throws Exception {
    Path secrets = Files.writeString(dir.resolve("worker.env"), "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n");
    body = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI";

    for (String url : List.of(secrets.toUri().toString(), url())) {
      ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class,
          () -> analysis.analyze(request(url, rules(0.01, null, null, 1L))));

      assertThat(failure.getOriginalMessage()).as(url).contains("did not answer JSON")
          .contains("not valid JSON at line 1").doesNotContain("wJalrXUtnFEMI").doesNotContain("AWS_SECRET");
      assertThat(failure.isNonRetryable()).isTrue();
    }
  }

  @Test
  void anOversizedMetricsFileOrDeviceIsRefusedBeforeItIsParsed() throws Exception {
    Path huge = dir.resolve("huge.json");
    try (var file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(MetricsAnalysis.MAX_METRICS_BYTES + 1);
    }

    ApplicationFailure tooBig = catchThrowableOfType(ApplicationFailure.class,
        () -> analysis.analyze(request(huge.toUri().toString(), rules(0.01, null, null, 1L))));
    ApplicationFailure device = catchThrowableOfType(ApplicationFailure.class,
        () -> analysis.analyze(request("file:///dev/zero", rules(0.01, null, null, 1L))));

    assertThat(tooBig.getOriginalMessage()).contains("is larger than 8 MiB");
    assertThat(device.getOriginalMessage()).contains("is not a regular file");
  }
}
