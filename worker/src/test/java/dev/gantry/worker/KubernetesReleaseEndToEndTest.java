package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.KubernetesCluster;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.ReleaseFailedException;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Issue 18 end to end: releases of hello-service to two real Kubernetes control planes (regions eu-1 and us-1,
 * one wave each), through the Java client, the Spring worker and the Temporal dev server, the worker logged in
 * with the documented Role only. 1.4.0 rolls out to both and is recorded; 1.5.0 is an image whose pods never
 * become Ready: eu-1 fails on ProgressDeadlineExceeded and is rolled back to 1.4.0, us-1 is never touched; 1.6.0
 * meets us-1's API server down (a proxy in front of it stops answering): eu-1 took 1.6.0 in the first wave, us-1's
 * deploy fails after its retries, its rollback waits for the cluster to answer again, then eu-1 is rolled back to
 * 1.4.0 and the reason names us-1 and its API server.
 */
@RealPeers
class KubernetesReleaseEndToEndTest {
  static final String REPO = "registry.test/shop/hello-service";
  static final String OLD = "sha256:" + "a".repeat(64);
  static final String V140 = "sha256:" + "1".repeat(64);
  static final String V150 = "sha256:" + "5".repeat(64);
  static final String V160 = "sha256:" + "6".repeat(64);
  @TempDir Path dir;
  TcpProxy westProxy;

  @Test
  // the worker and the proxy's stopper are held for the test's scope; the body never names them
  @SuppressWarnings("try")
  void twoClustersInWavesDeployRollBackAFailedRolloutAndACLusterThatIsDown() throws Exception {
    try (KubernetesCluster east = KubernetesCluster.start("eu-1");
        KubernetesCluster west = KubernetesCluster.start("us-1");
        AutoCloseable stopProxy = () -> westProxy.stop()) {
      Path credentials = Files.createDirectories(dir.resolve("credentials"));
      for (KubernetesCluster cluster : List.of(east, west)) {
        prepare(cluster, credentials);
      }
      westProxy = new TcpProxy(Integer.parseInt(west.apiServerUrl().toString().replaceAll(".*:", "")));
      westProxy.start();
      writePolicy(credentials, east, west);
      try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
          ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), dir.resolve("policy"));
          GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
        long started = System.nanoTime();
        String good = gantry.startRelease(request("1.4.0", REPO, V140));
        ReleaseStatus done = gantry.awaitCompletion(good, Duration.ofMinutes(3));
        System.out.printf("1.4.0 to two clusters in two waves: %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(done.state()).as(done.failureReason()).isEqualTo(ReleaseState.SUCCEEDED);
        assertThat(image(east)).isEqualTo(REPO + "@" + V140);
        assertThat(image(west)).isEqualTo(REPO + "@" + V140);
        assertThat(west.client().configMaps().inNamespace("shop").withName("gantry-hello-service-production").get()
            .getData().get("deployed.json")).contains("\"version\":\"1.4.0\"", V140);
        long westGeneration = west.client().apps().deployments().inNamespace("shop").withName("hello-service").get()
            .getMetadata().getGeneration();

        started = System.nanoTime();
        String broken = gantry.startRelease(request("1.5.0", "registry.test/shop/" + KubernetesCluster.NEVER_READY,
            V150));
        ReleaseStatus failed = awaitFailure(gantry, broken);
        System.out.printf("1.5.0 (never ready) failed and rolled back in %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
        assertThat(failed.failureReason()).contains("eu-1", "ProgressDeadlineExceeded");
        assertThat(region(failed, "eu-1").state()).isIn(RegionState.FAILED, RegionState.ROLLED_BACK);
        assertThat(region(failed, "eu-1").detail()).contains("1.4.0");
        assertThat(image(east)).as("eu-1 back on 1.4.0's template").isEqualTo(REPO + "@" + V140);
        assertThat(image(west)).isEqualTo(REPO + "@" + V140);
        assertThat(west.client().apps().deployments().inNamespace("shop").withName("hello-service").get()
            .getMetadata().getGeneration()).as("us-1 never touched").isEqualTo(westGeneration);

        // us-1 goes down: its API server stops answering (the proxy in front of it refuses connections). The
        // deploy there fails after its retries; the region's rollback is retried until the cluster answers (it
        // cannot know whether an attempt got through), so the cluster comes back, and then eu-1, changed in the
        // first wave, is rolled back.
        westProxy.stop();
        started = System.nanoTime();
        String unreachable = gantry.startRelease(request("1.6.0", REPO, V160));
        RegionStatus rollingBack = awaitRegion(gantry, unreachable, "us-1", RegionState.ROLLING_BACK);
        assertThat(rollingBack.detail()).contains("region us-1", westProxy.url(), "cannot be reached");
        System.out.printf("1.6.0: us-1 reported unreachable after %d ms%n", (System.nanoTime() - started) / 1_000_000);
        assertThat(image(east)).as("eu-1 took 1.6.0 in the first wave").isEqualTo(REPO + "@" + V160);
        westProxy.start();
        ReleaseStatus down = awaitFailure(gantry, unreachable);
        System.out.printf("1.6.0 with us-1 down failed and rolled back eu-1 in %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
        assertThat(down.failureReason()).contains("us-1", westProxy.url(), "cannot be reached")
            .doesNotContain(west.workerToken());
        assertThat(region(down, "eu-1").state()).isEqualTo(RegionState.ROLLED_BACK);
        assertThat(image(west)).as("us-1 never changed").isEqualTo(REPO + "@" + V140);
        assertThat(image(east)).as("the changed cluster rolled back").isEqualTo(REPO + "@" + V140);
      }
    }
  }

  static void prepare(KubernetesCluster cluster, Path credentials) throws Exception {
    var admin = cluster.client();
    admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
        .create();
    admin.load(new ByteArrayInputStream(dev.gantry.activities.kubernetes.KubernetesTargetTest.documentedRole()
        .getBytes(StandardCharsets.UTF_8))).create();
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName("hello-service").withNamespace("shop").endMetadata()
        .withNewSpec().withReplicas(2).withProgressDeadlineSeconds(4)
        .withNewSelector().addToMatchLabels("app", "hello-service").endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", "hello-service").endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(REPO + "@" + OLD).endContainer().endSpec()
        .endTemplate().endSpec().build();
    admin.apps().deployments().inNamespace("shop").resource(deployment).create();
    admin.apps().deployments().inNamespace("shop").withName("hello-service").waitUntilCondition(
        d -> d != null && d.getStatus() != null && Integer.valueOf(2).equals(d.getStatus().getAvailableReplicas()),
        60, TimeUnit.SECONDS);
    Files.writeString(credentials.resolve(cluster.name() + "-ca.pem"), cluster.caPem());
    Files.writeString(credentials.resolve(cluster.name() + ".token"), cluster.workerToken());
  }

  void writePolicy(Path credentials, KubernetesCluster east, KubernetesCluster west) {
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
                  eu-1: {apiServer: %s, caFile: %s, token: "file:%s", namespace: shop, deployments: [hello-service], container: app}
                  us-1: {apiServer: %s, caFile: %s, token: "file:%s", namespace: shop, deployments: [hello-service], container: app}
            healthCheck: {attempts: 2, intervalSeconds: 1}
            verification: {required: false}
            """.formatted(east.apiServerUrl(), credentials.resolve("eu-1-ca.pem"), credentials.resolve("eu-1.token"),
            westProxy.url(), credentials.resolve("us-1-ca.pem"), credentials.resolve("us-1.token")))
        .write();
  }

  Path request(String version, String repository, String digest) throws Exception {
    return request(dir, version, repository, digest);
  }

  /** A release request of hello-service in {@code dir}: the image by digest, to production. */
  static Path request(Path dir, String version, String repository, String digest) throws Exception {
    Path file = dir.resolve("release-" + version + ".yaml");
    Files.writeString(file, """
        application: hello-service
        version: %s
        requestedBy: ci
        artifact: {image: "%s@%s"}
        promotion: [production]
        """.formatted(version, repository, digest));
    return file;
  }

  /** The region's own workflow status once it reaches {@code state} (the release's shows it when it ends). */
  static RegionStatus awaitRegion(GantryClient gantry, String id, String region, RegionState state)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    RegionStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = gantry.workflowClient().newWorkflowStub(dev.gantry.workflows.region.RegionDeploymentWorkflow.class,
            dev.gantry.workflows.api.release.ReleaseIds.region(id, "production", region)).status();
        if (last != null && last.state() == state) {
          return last;
        }
      } catch (RuntimeException notYet) {
        // the region's workflow has not started
      }
      Thread.sleep(500);
    }
    throw new AssertionError(id + ": " + region + " never reached " + state + "; last " + last);
  }

  /**
   * A TCP forwarder to an API server on loopback that can stop answering (connections refused, as from a
   * cluster that is down) and come back on the same port; TLS passes through untouched.
   */
  static final class TcpProxy {
    private final int target;
    private final int port = dev.gantry.activities.support.Peers.freePort();
    private java.net.ServerSocket server;
    private final java.util.List<java.net.Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();

    TcpProxy(int target) {
      this.target = target;
    }

    String url() {
      return "https://127.0.0.1:" + port;
    }

    synchronized void start() throws java.io.IOException {
      server = new java.net.ServerSocket();
      server.setReuseAddress(true);
      server.bind(new java.net.InetSocketAddress("127.0.0.1", port));
      java.net.ServerSocket listening = server;
      Thread accept = new Thread(() -> {
        while (!listening.isClosed()) {
          try {
            java.net.Socket client = listening.accept();
            java.net.Socket upstream = new java.net.Socket("127.0.0.1", target);
            open.add(client);
            open.add(upstream);
            pipe(client, upstream);
            pipe(upstream, client);
          } catch (java.io.IOException closed) {
            return;
          }
        }
      }, "proxy-" + port);
      accept.setDaemon(true);
      accept.start();
    }

    synchronized void stop() {
      try {
        if (server != null) {
          server.close();
        }
      } catch (java.io.IOException ignored) {
        // closing
      }
      for (java.net.Socket socket : open) {
        try {
          socket.close();
        } catch (java.io.IOException ignored) {
          // closing
        }
      }
      open.clear();
    }

    private static void pipe(java.net.Socket from, java.net.Socket to) {
      Thread thread = new Thread(() -> {
        try {
          from.getInputStream().transferTo(to.getOutputStream());
        } catch (java.io.IOException closed) {
          // one side closed
        } finally {
          try {
            to.shutdownOutput();
          } catch (java.io.IOException ignored) {
            // already closed
          }
        }
      });
      thread.setDaemon(true);
      thread.start();
    }
  }

  static ReleaseStatus awaitFailure(GantryClient gantry, String id) {
    assertThatThrownBy(() -> gantry.awaitCompletion(id, Duration.ofMinutes(3)))
        .isInstanceOf(ReleaseFailedException.class);
    ReleaseStatus status = gantry.status(id);
    assertThat(status.state()).as(id).isEqualTo(ReleaseState.FAILED);
    return status;
  }

  static RegionStatus region(ReleaseStatus status, String region) {
    EnvironmentStatus production = status.environments().stream()
        .filter(e -> e.environment().equals("production")).findFirst().orElseThrow();
    return production.regions().stream().filter(r -> r.region().equals(region)).findFirst().orElseThrow();
  }

  static String image(KubernetesCluster cluster) {
    return cluster.client().apps().deployments().inNamespace("shop").withName("hello-service").get().getSpec()
        .getTemplate().getSpec().getContainers().get(0).getImage();
  }
}
