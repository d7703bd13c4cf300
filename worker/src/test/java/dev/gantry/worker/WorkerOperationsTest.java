package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.GantryClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The worker as operations see it: health that includes Temporal, Prometheus metrics, Gantry's own. */
class WorkerOperationsTest {
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void healthIncludesTheTemporalConnectionAndPrometheusHasSdkAndGantryMetrics() throws Exception {
    Path spec = Examples.frozenCopy(dir.resolve("example"));
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(),
            Examples.policy(dir.resolve("example")));
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      int port = ((WebServerApplicationContext) worker).getWebServer().getPort();
      HttpResponse<String> health = get(port, "/actuator/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"temporal\":{\"status\":\"UP\"").contains(temporal.address());

      gantry.startRelease(spec);
      String metrics = "";
      for (int i = 0; i < 100 && !metrics.contains("gantry_releases_started"); i++) {
        Thread.sleep(200);
        metrics = get(port, "/actuator/prometheus").body();
      }
      assertThat(metrics).contains("gantry_releases_started").contains("gantry_application=\"hello-service\"");
      assertThat(metrics).as("the SDK's own metrics").contains("temporal_workflow_task");
    }
  }

  @Test
  void healthIsDownWhenTemporalIsGone() throws Exception {
    Examples.frozenCopy(dir.resolve("example"));
    TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
    try (ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(),
        Examples.policy(dir.resolve("example")))) {
      int port = ((WebServerApplicationContext) worker).getWebServer().getPort();
      temporal.close();
      HttpResponse<String> health = get(port, "/actuator/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"temporal\":{\"status\":\"DOWN\"");
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
