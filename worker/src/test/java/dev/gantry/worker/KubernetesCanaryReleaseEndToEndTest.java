package dev.gantry.worker;

import static dev.gantry.worker.KubernetesReleaseEndToEndTest.awaitFailure;
import static dev.gantry.worker.KubernetesReleaseEndToEndTest.image;
import static dev.gantry.worker.KubernetesReleaseEndToEndTest.region;
import static dev.gantry.worker.KubernetesReleaseEndToEndTest.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.support.KubernetesCluster;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 18's "done when": releases of the Kubernetes example (examples/kubernetes: its manifests applied to two
 * real control planes, its production config pointed at them) run canary steps (25%, 50%, 100% of 4 replicas,
 * by replica ratio behind each region's Service, each step analysed from a metrics file), eu-1 then us-1,
 * through the Java client, the Spring worker and the Temporal dev server, with the worker's documented Role only. 1.4.0 passes every step in both regions and is promoted; 1.5.0 passes in
 * eu-1, then its us-1 canary fails the analysis of its first step: us-1 is rolled back (canary removed, the
 * stable Deployment's replicas and the Service's selector as they were) and so is eu-1, to 1.4.0.
 */
@RealPeers
class KubernetesCanaryReleaseEndToEndTest {
  static final String REPO = "registry.example.com/shop/hello-service";
  static final Path EXAMPLE = Path.of("..", "examples", "kubernetes");
  static final String V140 = "sha256:" + "1".repeat(64);
  static final String V150 = "sha256:" + "5".repeat(64);
  @TempDir Path dir;

  @Test
  @SuppressWarnings("try") // the worker is held for the test's scope; the body never names it
  void twoClustersRunCanaryStepsAndAFailedAnalysisRollsBothBack() throws Exception {
    try (KubernetesCluster east = KubernetesCluster.start("eu-1");
        KubernetesCluster west = KubernetesCluster.start("us-1")) {
      Path credentials = Files.createDirectories(dir.resolve("credentials"));
      for (KubernetesCluster cluster : List.of(east, west)) {
        prepare(cluster, credentials);
      }
      Path metrics = dir.resolve("metrics.json");
      Files.writeString(metrics, metrics("1.4.0", 0.001, 0.001));
      writePolicy(credentials, metrics, east, west);
      try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
          ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), dir.resolve("policy"));
          GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
        long started = System.nanoTime();
        String good = gantry.startRelease(request(dir, "1.4.0", REPO, V140));
        ReleaseStatus done = gantry.awaitCompletion(good, Duration.ofMinutes(4));
        System.out.printf("1.4.0, canary 25/50/100 in two clusters, two waves: %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
        assertThat(done.state()).as(done.failureReason()).isEqualTo(ReleaseState.SUCCEEDED);
        for (KubernetesCluster cluster : List.of(east, west)) {
          assertThat(image(cluster)).as(cluster.name()).isEqualTo(REPO + "@" + V140);
          assertSettled(cluster);
        }
        assertThat(region(done, "us-1").detail()).contains("canary", "25% pass", "50% pass", "100%");

        Files.writeString(metrics, metrics("1.5.0", 0.001, 0.30));
        started = System.nanoTime();
        String bad = gantry.startRelease(request(dir, "1.5.0", REPO, V150));
        ReleaseStatus failed = awaitFailure(gantry, bad);
        System.out.printf("1.5.0, us-1 canary failed its analysis, both regions rolled back: %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
        assertThat(failed.failureReason()).contains("us-1", "analysis failed at 25%");
        assertThat(region(failed, "eu-1").state()).isEqualTo(RegionState.ROLLED_BACK);
        for (KubernetesCluster cluster : List.of(east, west)) {
          assertThat(image(cluster)).as(cluster.name() + " back on 1.4.0").isEqualTo(REPO + "@" + V140);
          assertSettled(cluster);
        }
      }
    }
  }

  /**
   * What the example tells a team to apply in each cluster (examples/kubernetes/cluster/hello-service.yaml: the
   * namespace, a Deployment of 4 replicas, its Service), the Role of docs/kubernetes.md, the worker's credentials.
   */
  static void prepare(KubernetesCluster cluster, Path credentials) throws Exception {
    var admin = cluster.client();
    try (var manifests = Files.newInputStream(EXAMPLE.resolve("cluster/hello-service.yaml"))) {
      admin.load(manifests).create();
    }
    admin.load(new ByteArrayInputStream(dev.gantry.activities.kubernetes.KubernetesTargetTest.documentedRole()
        .getBytes(StandardCharsets.UTF_8))).create();
    admin.apps().deployments().inNamespace("shop").withName("hello-service").waitUntilCondition(
        d -> d != null && d.getStatus() != null && Integer.valueOf(4).equals(d.getStatus().getAvailableReplicas()),
        60, TimeUnit.SECONDS);
    Files.writeString(credentials.resolve(cluster.name() + "-ca.pem"), cluster.caPem());
    Files.writeString(credentials.resolve(cluster.name() + ".token"), cluster.workerToken());
  }

  /** No canary left, the stable Deployment at its 4 replicas, the Service's selector as the team wrote it. */
  static void assertSettled(KubernetesCluster cluster) {
    var admin = cluster.client();
    assertThat(admin.apps().deployments().inNamespace("shop").withName("hello-service-canary").get())
        .as(cluster.name() + ": no canary left").isNull();
    Deployment stable = admin.apps().deployments().inNamespace("shop").withName("hello-service").get();
    assertThat(stable.getSpec().getReplicas()).as(cluster.name()).isEqualTo(4);
    assertThat(admin.services().inNamespace("shop").withName("hello-service").get().getSpec().getSelector())
        .as(cluster.name()).isEqualTo(Map.of("app", "hello-service"));
  }

  /** Error rates of the new version in each region, and of the stable one; enough requests to judge. */
  static String metrics(String version, double eastErrorRate, double westErrorRate) {
    return """
        {"regions": {
          "eu-1": {"versions": {"%1$s": {"requests": 1000, "errorRate": %2$s, "latencyP99Ms": 100},
                                "1.4.0": {"requests": 1000, "errorRate": 0.001, "latencyP99Ms": 100}}},
          "us-1": {"versions": {"%1$s": {"requests": 1000, "errorRate": %3$s, "latencyP99Ms": 100},
                                "1.4.0": {"requests": 1000, "errorRate": 0.001, "latencyP99Ms": 100}}}
        }}
        """.formatted(version, eastErrorRate, westErrorRate);
  }

  /**
   * The example's production (examples/kubernetes/policy/environments/production/config.yaml) pointed at the two
   * test clusters, the analysis reading a file, one-second bakes; without its approval, URL health check and
   * signature verification (this test is about the clusters).
   */
  void writePolicy(Path credentials, Path metrics, KubernetesCluster east, KubernetesCluster west) throws Exception {
    String config = Files.readString(EXAMPLE.resolve("policy/environments/production/config.yaml"));
    config = replace(config, "https://k8s-eu-1.example.com:6443", east.apiServerUrl().toString());
    config = replace(config, "https://k8s-us-1.example.com:6443", west.apiServerUrl().toString());
    config = replace(config, "/etc/gantry/kubernetes", credentials.toString());
    config = replaceLine(config, "    metricsUrl: ", "    metricsFile: " + metrics);
    config = replaceLine(config, "  bakeMinutes: ", "  bakeSeconds: 1");
    config = replaceLine(config, "    minRequests: ", "    minRequests: 10");
    config = replace(config, config.substring(config.indexOf("healthCheck:")), """
        healthCheck: {attempts: 2, intervalSeconds: 1}
        verification: {required: false}
        """);
    TestPolicy.in(dir).application("hello-service", "production").images("registry.example.com/shop/")
        .credentials(credentials).environment("production", config).write();
  }

  static String replace(String text, String from, String to) {
    assertThat(text).as("the example still has " + from).contains(from);
    return text.replace(from, to);
  }

  static String replaceLine(String text, String startingWith, String line) {
    assertThat(text).as("the example still has " + startingWith.strip()).contains("\n" + startingWith);
    return text.replaceAll("(?m)^" + java.util.regex.Pattern.quote(startingWith) + ".*$",
        java.util.regex.Matcher.quoteReplacement(line));
  }
}
