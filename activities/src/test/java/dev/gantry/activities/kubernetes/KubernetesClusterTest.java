package dev.gantry.activities.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.KubernetesCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The test cluster ({@link KubernetesCluster}) is a real control plane: a Deployment rolls out through its
 * ReplicaSet to Ready pods, a never-ready image never becomes available, a stopped cluster refuses
 * connections, and two clusters run side by side without trusting each other's credentials. Prints the
 * figures (start time, memory, create-to-rolled-out) to the test's output.
 */
class KubernetesClusterTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static KubernetesCluster cluster;

  @BeforeAll
  static void startCluster() {
    cluster = KubernetesCluster.start("test-east");
    System.out.printf("cluster %s started in %d ms, %d MiB resident%n", cluster.name(),
        cluster.startTime().toMillis(), cluster.residentBytes() >> 20);
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void aDeploymentRollsOutToReadyPods() {
    KubernetesClient client = cluster.client();
    long created = System.nanoTime();
    client.apps().deployments().inNamespace("default").resource(deployment("web", "registry.test/web@" + DIGEST))
        .create();
    Deployment done = client.apps().deployments().inNamespace("default").withName("web")
        .waitUntilCondition(KubernetesClusterTest::rolledOut, 60, TimeUnit.SECONDS);
    long rolloutMillis = (System.nanoTime() - created) / 1_000_000;
    System.out.printf("2-replica Deployment created to rolled out: %d ms; control plane now %d MiB resident%n",
        rolloutMillis, cluster.residentBytes() >> 20);

    assertThat(done.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(done.getStatus().getConditions())
        .anyMatch(c -> c.getType().equals("Progressing") && c.getReason().equals("NewReplicaSetAvailable"));
    List<Pod> pods = client.pods().inNamespace("default").withLabel("app", "web").list().getItems();
    assertThat(pods).hasSize(2).allSatisfy(pod -> {
      assertThat(pod.getSpec().getNodeName()).isEqualTo(KubernetesCluster.NODE);
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(pod.getStatus().getConditions())
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
      assertThat(pod.getSpec().getContainers().get(0).getImage()).endsWith(DIGEST);
    });
    assertThat(cluster.kubectl("rollout", "status", "deployment/web", "--timeout=30s"))
        .contains("successfully rolled out");
  }

  @Test
  void aNeverReadyImageNeverBecomesAvailable() {
    KubernetesClient client = cluster.client();
    Deployment broken = deployment("broken", "registry.test/" + KubernetesCluster.NEVER_READY + "@" + DIGEST);
    broken.getSpec().setProgressDeadlineSeconds(3);
    client.apps().deployments().inNamespace("default").resource(broken).create();

    Deployment failed = client.apps().deployments().inNamespace("default").withName("broken")
        .waitUntilCondition(d -> d.getStatus() != null && d.getStatus().getConditions() != null
            && d.getStatus().getConditions().stream().anyMatch(c -> c.getType().equals("Progressing")
                && c.getReason().equals("ProgressDeadlineExceeded")), 60, TimeUnit.SECONDS);

    assertThat(rolledOut(failed)).isFalse();
    assertThat(failed.getStatus().getAvailableReplicas()).isNull();
    assertThat(failed.getStatus().getUnavailableReplicas()).isEqualTo(2);
    List<Pod> pods = client.pods().inNamespace("default").withLabel("app", "broken").list().getItems();
    assertThat(pods).hasSize(2).allSatisfy(pod -> {
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(pod.getStatus().getConditions())
          .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("False"));
    });
  }

  @Test
  void theWorkerUserMayDoOnlyWhatRbacGrants() {
    try (KubernetesClient worker = cluster.client(cluster.workerToken())) {
      assertThatThrownBy(() -> worker.apps().deployments().inNamespace("default").list())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403));
    }
  }

  @Test
  // the test closes the second cluster inside its try on purpose (to see a stopped cluster refuse connections);
  // the try still closes it if an assertion fails first
  @SuppressWarnings("try")
  void twoClustersRunSideBySideAndAStoppedOneRefusesConnections() throws IOException {
    try (KubernetesCluster other = KubernetesCluster.start("test-west");
        KubernetesClient connected = other.client(other.adminToken())) {
      System.out.printf("second cluster started in %d ms, %d MiB resident%n", other.startTime().toMillis(),
          other.residentBytes() >> 20);
      assertThat(other.apiServerUrl()).isNotEqualTo(cluster.apiServerUrl());
      KubernetesClient west = other.client();
      west.apps().deployments().inNamespace("default").resource(deployment("only-west", "registry.test/w@" + DIGEST))
          .create();
      west.apps().deployments().inNamespace("default").withName("only-west")
          .waitUntilCondition(KubernetesClusterTest::rolledOut, 60, TimeUnit.SECONDS);
      assertThat(cluster.client().apps().deployments().inNamespace("default").withName("only-west").get()).isNull();
      // one cluster's admin token means nothing to the other
      try (KubernetesClient stranger = other.client(cluster.adminToken())) {
        assertThatThrownBy(() -> stranger.namespaces().list())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(401));
      }
      assertThat(connected.apps().deployments().inNamespace("default").list().getItems()).hasSize(1);
      List<Long> pids = other.processIds();
      assertThat(pids).hasSize(5);
      long stopping = System.nanoTime();
      other.close();
      System.out.printf("second cluster stopped in %d ms%n", (System.nanoTime() - stopping) / 1_000_000);
      assertThat(other.running()).isFalse();
      assertThat(pids).noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      // a client that was connected, and a new one, fail on the connection (no HTTP status: nothing answers)
      assertThatThrownBy(() -> connected.apps().deployments().inNamespace("default").list())
          .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isLessThan(100))
          .hasRootCauseInstanceOf(IOException.class);
      try (KubernetesClient afterStop = other.client(other.adminToken())) {
        assertThatThrownBy(() -> afterStop.apps().deployments().inNamespace("default").list())
            .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isLessThan(100))
            .hasRootCauseInstanceOf(IOException.class);
      }
      try (Socket ignored = new Socket("127.0.0.1", other.apiServerUrl().getPort())) {
        throw new AssertionError("something still listens on the stopped cluster's port");
      } catch (ConnectException refused) {
        // as it should
      }
    }
  }

  private static Deployment deployment(String name, String image) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).endMetadata()
        .withNewSpec()
        .withReplicas(2)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate()
        .withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("app").withImage(image).endContainer().endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** What {@code kubectl rollout status} waits for. */
  private static boolean rolledOut(Deployment deployment) {
    var status = deployment.getStatus();
    int replicas = deployment.getSpec().getReplicas();
    return status != null && status.getObservedGeneration() != null
        && status.getObservedGeneration() >= deployment.getMetadata().getGeneration()
        && eq(status.getUpdatedReplicas(), replicas) && eq(status.getReplicas(), replicas)
        && eq(status.getAvailableReplicas(), replicas);
  }

  private static boolean eq(Integer value, int expected) {
    return value != null && value == expected;
  }
}
