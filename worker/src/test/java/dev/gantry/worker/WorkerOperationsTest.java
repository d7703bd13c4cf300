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
      assertThat(health.body()).as("every workflow and activity of WorkerCatalogue is registered")
          .contains("\"registrations\":{\"status\":\"UP\"");

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

  /** The tuning example that once went wrong: 3 of 9 workflows, a few activity beans, no signing. */
  @Test
  void aWorkerThatMissesAWorkflowOrAnActivityIsNotHealthy() throws Exception {
    Examples.frozenCopy(dir.resolve("example"));
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(),
            Examples.policy(dir.resolve("example")),
            "--spring.temporal.workers[0].task-queue=gantry-release",
            "--spring.temporal.workers[0].name=gantry-release",
            "--spring.temporal.workers[0].workflow-classes=dev.gantry.workflows.release.ReleaseWorkflowImpl,"
                + "dev.gantry.workflows.region.RegionDeploymentWorkflowImpl,"
                + "dev.gantry.workflows.rollback.EnvironmentRollbackWorkflowImpl",
            "--spring.temporal.workers[0].activity-beans=policyActivities,deploymentActivities,"
                + "approverDirectoryActivities,auditActivities,qualityGateActivities,deploymentWindowActivities,"
                + "notifyActivities")) {
      int port = ((WebServerApplicationContext) worker).getWebServer().getPort();
      HttpResponse<String> health = get(port, "/actuator/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"registrations\":{\"status\":\"DOWN\"")
          .contains("activities SigningActivities").contains("workflow RegionFailoverWorkflowImpl")
          .contains("\"workflows\":\"3 of " + dev.gantry.workflows.WorkerCatalogue.WORKFLOW_IMPLEMENTATIONS.size() + "\"");
    }
  }

  /**
   * {@code gantry worker} logs one JSON object per line from its very first line, so that {@code jq} (and any log
   * shipper) reads all of stdout. Run as its own process, on this module's class path.
   */
  @Test
  void theWorkersStdoutIsJsonFromTheFirstLine() throws Exception {
    Examples.frozenCopy(dir.resolve("example"));
    // The worker jar's class path: this module's, without test classes and test jars (the workflows' test jar
    // carries a logback-test.xml, which would replace the worker's logging configuration).
    String classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.contains("test-classes") && !entry.endsWith("-tests.jar"))
        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    Process worker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath, GantryWorkerApplication.class.getName(), "worker",
        "--spring.temporal.connection.target=127.0.0.1:1", "--server.port=0",
        "--gantry.policy.path=" + Examples.policy(dir.resolve("example")).toAbsolutePath())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(worker.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8))) {
      var json = new com.fasterxml.jackson.databind.ObjectMapper();
      for (int i = 0; i < 3; i++) {
        String line = out.readLine();
        assertThat(line).as("stdout line " + (i + 1)).isNotNull();
        var event = json.readTree(line);
        assertThat(event.isObject()).as("stdout line " + (i + 1) + " is a JSON object: " + line).isTrue();
        assertThat(event.has("@timestamp") && event.has("message")).as(line).isTrue();
      }
    } finally {
      worker.destroyForcibly().waitFor();
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
