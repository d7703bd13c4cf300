package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * `gantry flags` and `gantry experiment` through the real CLI, over gRPC, against the Java test server and
 * the Spring worker with its real Split and metrics adapters, talking to a local server that answers like
 * Split's Admin API (bearer key, JSON Patch) and a local metrics endpoint.
 */
class FlagsCliEndToEndTest {
  private static final String KEY = "split-admin-key-e2e";
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, ArrayNode> defaultRules = new ConcurrentHashMap<>();
  private final List<String> patches = new CopyOnWriteArrayList<>();
  @TempDir Path dir;
  private HttpServer peers;
  private TestPolicy policy;
  private Path spec;

  @BeforeEach
  void start() throws Exception {
    peers = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    peers.createContext("/split", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String[] path = exchange.getRequestURI().getPath().split("/");
        // /split/internal/api/v2/splits/ws/ws-1/<flag>/environments/Production
        if (!("Bearer " + KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))
            || !exchange.getRequestMethod().equals("PATCH") || path.length != 11) {
          exchange.sendResponseHeaders(401, -1);
          return;
        }
        patches.add(path[8] + " " + body);
        JsonNode op = json.readTree(body).get(0);
        defaultRules.put(path[8], (ArrayNode) op.get("value"));
        ObjectNode flag = json.createObjectNode().put("name", path[8]).put("killed", false);
        flag.set("defaultRule", op.get("value"));
        byte[] answer = flag.toString().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      }
    });
    peers.createContext("/metrics", exchange -> {
      try (exchange) {
        byte[] answer = ("{\"treatments\": [{\"treatment\": \"on\", \"exposures\": 5120, \"conversions\": 671},"
            + " {\"treatment\": \"off\", \"exposures\": 5087, \"conversions\": 533}]}").getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
      }
    });
    peers.start();
    String base = "http://127.0.0.1:" + peers.getAddress().getPort();
    // the platform's policy holds the flag settings; the operator's release.yaml names a checkout of it
    policy = TestPolicy.in(dir).application("shop", "production").environment("production", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets}
        healthCheck: {command: "true"}
        verification: {required: false}
        flags:
          split: {workspaceId: ws-1, environment: Production, adminApiKeyEnv: SPLIT_ADMIN_API_KEY,
                  adminUrl: "%s/split/internal/api/v2"}
          metricsUrl: %s/metrics
          ramps:
            - {flag: new-checkout, steps: [10, 100], bakeMinutes: 60, metric: checkout_errors, maxRate: 0.2}
          experiments:
            - {name: checkout-button, flag: checkout-button, split: {"on": 50, "off": 50}, metric: purchases,
               minSamplePerTreatment: 5000, decision: automatic}
        """.formatted(base, base));
    policy.write();
    policy.artifact("shop.jar", "shop\n");
    Files.writeString(dir.resolve("release.yaml"), """
        application: shop
        version: 1.0.0
        requestedBy: dana
        artifact: {file: artifacts/shop.jar}
        promotion: [production]
        policy: policy
        """);
    spec = dir.resolve("release.yaml");
  }

  @AfterEach
  void stop() {
    peers.stop(0);
  }

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aRampIsStartedFollowedAndAbortedAndAnExperimentKeepsItsWinner() throws Exception {
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.JAVA_TEST_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir(),
            "--SPLIT_ADMIN_API_KEY=" + KEY)) {
      String address = temporal.address();

      CliEndToEndTest.Run ramp = CliEndToEndTest.cli("flags", "ramp", "shop", "production", "new-checkout",
          "--spec", spec.toString(), "--as", "dana", "--address", address, "-o", "json");
      assertThat(ramp.exitCode()).as(ramp.err() + ramp.out()).isZero();
      assertThat(json.readTree(ramp.out()).path("workflowId").asText()).isEqualTo("flag-ramp/shop/new-checkout/production");
      JsonNode running = awaitJson(address, "percent", "10", "flags", "status", "shop", "production", "new-checkout");
      assertThat(running.path("state").asText()).isEqualTo("RUNNING");
      assertThat(running.path("nextAnalysisAt").asText()).isNotEmpty();

      CliEndToEndTest.Run again = CliEndToEndTest.cli("flags", "ramp", "shop", "production", "new-checkout",
          "--spec", spec.toString(), "--address", address);
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.err() + again.out()).contains("already running");

      assertThat(CliEndToEndTest.cli("flags", "abort", "shop", "production", "new-checkout", "--reason",
          "support tickets", "--as", "erin", "--address", address).exitCode()).isZero();
      JsonNode aborted = awaitJson(address, "state", "ABORTED", "flags", "status", "shop", "production", "new-checkout");
      assertThat(aborted.path("percent").asInt()).isZero();
      assertThat(CliEndToEndTest.cli("flags", "status", "shop", "production", "new-checkout", "--address", address)
          .exitCode()).as("a stopped ramp is exit 1").isEqualTo(1);
      assertThat(patches).containsExactly(
          "new-checkout [{\"op\":\"replace\",\"path\":\"/defaultRule\",\"value\":[{\"treatment\":\"on\",\"size\":10},{\"treatment\":\"off\",\"size\":90}]}]",
          "new-checkout [{\"op\":\"replace\",\"path\":\"/defaultRule\",\"value\":[{\"treatment\":\"on\",\"size\":0},{\"treatment\":\"off\",\"size\":100}]}]");

      CliEndToEndTest.Run experiment = CliEndToEndTest.cli("experiment", "start", "shop", "checkout-button",
          "production", "--spec", spec.toString(), "--address", address);
      assertThat(experiment.exitCode()).as(experiment.err()).isZero();
      JsonNode decided = awaitJson(address, "state", "DECIDED", "experiment", "status", "shop", "checkout-button",
          "production");
      assertThat(decided.path("outcome").asText()).isEqualTo("on");
      assertThat(decided.path("result").path("winner").asText()).isEqualTo("on");
      assertThat(defaultRules.get("checkout-button").toString())
          .isEqualTo("[{\"treatment\":\"on\",\"size\":100},{\"treatment\":\"off\",\"size\":0}]");
      CliEndToEndTest.Run text = CliEndToEndTest.cli("experiment", "status", "shop", "checkout-button", "production",
          "--address", address);
      assertThat(text.out()).contains("on wins: lift +25.1% over off").contains("outcome: on at 100%");

      CliEndToEndTest.Run late = CliEndToEndTest.cli("experiment", "decide", "shop", "checkout-button", "production",
          "--rollback", "--as", "erin", "--address", address);
      assertThat(late.exitCode()).as("a decided experiment refuses another decision").isEqualTo(1);
    }
  }

  private JsonNode awaitJson(String address, String field, String value, String... command) throws Exception {
    String[] args = new String[command.length + 4];
    System.arraycopy(command, 0, args, 0, command.length);
    args[command.length] = "--address";
    args[command.length + 1] = address;
    args[command.length + 2] = "-o";
    args[command.length + 3] = "json";
    JsonNode last = null;
    for (int i = 0; i < 150; i++) {
      CliEndToEndTest.Run run = CliEndToEndTest.cli(args);
      if (!run.out().isBlank() && run.out().trim().startsWith("{")) {
        last = json.readTree(run.out());
        if (last.path(field).asText().equals(value)) {
          return last;
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("never saw " + field + "=" + value + "; last: " + last);
  }
}
