package dev.gantry.worker;

import static dev.gantry.worker.KubernetesReleaseEndToEndTest.REPO;
import static dev.gantry.worker.KubernetesReleaseEndToEndTest.awaitFailure;
import static dev.gantry.worker.KubernetesReleaseEndToEndTest.image;
import static dev.gantry.worker.KubernetesReleaseEndToEndTest.region;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.support.KubernetesCluster;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 18's "done when": releases of hello-service to two real Kubernetes control planes (eu-1 then us-1, one
 * wave each) run canary steps (25%, 50%, 100% by replica ratio behind each region's Service, each step analysed
 * from the metrics file of policy), through the Java client, the Spring worker and the Temporal dev server, with
 * the worker's documented Role only. 1.4.0 passes every step in both regions and is promoted; 1.5.0 passes in
 * eu-1, then its us-1 canary fails the analysis of its first step: us-1 is rolled back (canary removed, the
 * stable Deployment's replicas and the Service's selector as they were) and so is eu-1, to 1.4.0.
 */
@RealPeers
class KubernetesCanaryReleaseEndToEndTest {
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
        KubernetesReleaseEndToEndTest.prepare(cluster, credentials);
        cluster.client().services().inNamespace("shop").resource(new ServiceBuilder()
            .withNewMetadata().withName("hello-service").withNamespace("shop").endMetadata()
            .withNewSpec().addToSelector("app", "hello-service").addNewPort().withPort(80).endPort().endSpec()
            .build()).create();
      }
      Path metrics = dir.resolve("metrics.json");
      Files.writeString(metrics, metrics("1.4.0", 0.001, 0.001));
      writePolicy(credentials, metrics, east, west);
      try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
          ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), dir.resolve("policy"));
          GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
        long started = System.nanoTime();
        String good = gantry.startRelease(request("1.4.0", V140));
        ReleaseStatus done = gantry.awaitCompletion(good, Duration.ofMinutes(4));
        System.out.printf("1.4.0, canary 25/50/100 in two clusters, two waves: %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
        assertThat(done.state()).as(done.failureReason()).isEqualTo(ReleaseState.SUCCEEDED);
        for (KubernetesCluster cluster : List.of(east, west)) {
          assertThat(image(cluster)).as(cluster.name()).isEqualTo(REPO + "@" + V140);
          assertSettled(cluster);
        }
        assertThat(region(done, "us-1").detail()).as("2 replicas: 25% is 1 of 2 pods").contains("canary", "50% pass", "100%");

        Files.writeString(metrics, metrics("1.5.0", 0.001, 0.30));
        started = System.nanoTime();
        String bad = gantry.startRelease(request("1.5.0", V150));
        ReleaseStatus failed = awaitFailure(gantry, bad);
        System.out.printf("1.5.0, us-1 canary failed its analysis, both regions rolled back: %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
        assertThat(failed.failureReason()).contains("us-1", "analysis failed at 50%");
        assertThat(region(failed, "eu-1").state()).isEqualTo(RegionState.ROLLED_BACK);
        for (KubernetesCluster cluster : List.of(east, west)) {
          assertThat(image(cluster)).as(cluster.name() + " back on 1.4.0").isEqualTo(REPO + "@" + V140);
          assertSettled(cluster);
        }
      }
    }
  }

  /** No canary left, the stable Deployment at its 2 replicas, the Service's selector as the team wrote it. */
  static void assertSettled(KubernetesCluster cluster) {
    var admin = cluster.client();
    assertThat(admin.apps().deployments().inNamespace("shop").withName("hello-service-canary").get())
        .as(cluster.name() + ": no canary left").isNull();
    Deployment stable = admin.apps().deployments().inNamespace("shop").withName("hello-service").get();
    assertThat(stable.getSpec().getReplicas()).as(cluster.name()).isEqualTo(2);
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

  void writePolicy(Path credentials, Path metrics, KubernetesCluster east, KubernetesCluster west) {
    TestPolicy.in(dir).application("hello-service", "production").images("registry.test/shop/")
        .credentials(credentials)
        .environment("production", """
            regions: [{name: eu-1, primary: true}, {name: us-1}]
            waves: [[eu-1], [us-1]]
            target:
              type: kubernetes
              kubernetes:
                rolloutTimeoutSeconds: 60
                regions:
                  eu-1: {apiServer: %s, caFile: %s, token: "file:%s", namespace: shop, deployments: [hello-service], container: app, service: hello-service}
                  us-1: {apiServer: %s, caFile: %s, token: "file:%s", namespace: shop, deployments: [hello-service], container: app, service: hello-service}
            rollout:
              strategy: canary
              steps: [25, 50, 100]
              bakeSeconds: 1
              analysis: {metricsFile: %s, maxErrorRate: 0.05, minRequests: 10}
            healthCheck: {attempts: 2, intervalSeconds: 1}
            verification: {required: false}
            """.formatted(east.apiServerUrl(), credentials.resolve("eu-1-ca.pem"), credentials.resolve("eu-1.token"),
            west.apiServerUrl(), credentials.resolve("us-1-ca.pem"), credentials.resolve("us-1.token"), metrics))
        .write();
  }

  Path request(String version, String digest) throws Exception {
    Path file = dir.resolve("release-" + version + ".yaml");
    Files.writeString(file, """
        application: hello-service
        version: %s
        requestedBy: ci
        artifact: {image: "%s@%s"}
        promotion: [production]
        """.formatted(version, REPO, digest));
    return file;
  }
}
