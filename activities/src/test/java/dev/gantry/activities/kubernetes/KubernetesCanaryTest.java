package dev.gantry.activities.kubernetes;

import static dev.gantry.activities.kubernetes.KubernetesTargetTest.NAMESPACE;
import static dev.gantry.activities.kubernetes.KubernetesTargetTest.NEW;
import static dev.gantry.activities.kubernetes.KubernetesTargetTest.OLD;
import static dev.gantry.activities.kubernetes.KubernetesTargetTest.REPO;
import static dev.gantry.activities.kubernetes.KubernetesTargetTest.deploy;
import static dev.gantry.activities.kubernetes.KubernetesTargetTest.image;
import static dev.gantry.activities.kubernetes.KubernetesTargetTest.rollback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.support.KubernetesCluster;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary by replica ratio on a real control plane, as the worker's user with only the documented Role: the dark
 * launch pins the Service to the stable pods (the EndpointSlices the cluster computes hold no canary pod), each
 * step shares the Service's pods (1 of 4 canary, then 2 of 4), promotion leaves the stable Deployment on the
 * new digest at its replicas with no canary and the Service's selector as it was; a rollback from a step gives
 * back the stable Deployment's replicas and removes the canary and the pin; a never-ready canary fails its dark
 * launch; a cluster without a Service in policy is refused.
 */
class KubernetesCanaryTest {
  static final AtomicInteger NAMES = new AtomicInteger();
  static KubernetesCluster cluster;
  @TempDir static Path credentials;

  final KubernetesTarget target = new KubernetesTarget(new KubernetesClusters(name -> null), new HealthChecker(),
      Clock.systemUTC());

  @BeforeAll
  static void startCluster() throws IOException {
    cluster = KubernetesCluster.start("eu-1");
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
        .build()).create();
    cluster.client().load(new ByteArrayInputStream(KubernetesTargetTest.documentedRole()
        .getBytes(StandardCharsets.UTF_8))).create();
    Files.writeString(credentials.resolve("eu-1-ca.pem"), cluster.caPem());
    Files.writeString(credentials.resolve("eu-1.token"), cluster.workerToken());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void stepsShareTheServicesPodsAndPromotionLeavesTheStableDeploymentOnTheNewDigest() {
    String name = createService(4);
    DeployTarget kubernetes = targetFor(name, name);
    String release = "release/hello-service/1.4.0";

    long started = System.nanoTime();
    DeployResult dark = target.deployDark(deploy(release, "eu-1", REPO, NEW, kubernetes));
    System.out.printf("dark launch (pin + 1 canary replica rolled out): %d ms%n", (System.nanoTime() - started) / 1_000_000);
    assertThat(dark.alreadyCurrent()).isFalse();
    assertThat(dark.previousVersion()).isEqualTo(REPO + "@" + OLD);
    Deployment canary = read(name + "-canary");
    assertThat(image(canary, "app")).isEqualTo(REPO + "@" + NEW);
    assertThat(image(canary, "sidecar")).isEqualTo("registry.test/proxy:v1");
    assertThat(canary.getStatus().getAvailableReplicas()).isEqualTo(1);
    assertThat(selector(name)).containsKey("pod-template-hash");
    awaitServed(name, 0, 4); // dark: the Service sends nothing to the canary
    assertThat(target.smokeCheck(new HealthCheckRequest("hello-service", "1.4.0", "production", "eu-1", kubernetes,
        null)).detail()).contains("deployment/" + name + "-canary 1/1 available");

    WeightResult quarter = target.setWeight(weight(release, kubernetes, 25));
    assertThat(quarter.weight()).isEqualTo(25);
    assertThat(quarter.stable()).isEqualTo(REPO + "@" + OLD);
    assertThat(selector(name)).doesNotContainKey("pod-template-hash");
    awaitServed(name, 1, 3);

    WeightResult half = target.setWeight(weight(release, kubernetes, 50));
    assertThat(half.weight()).isEqualTo(50);
    awaitServed(name, 2, 2);
    assertThat(target.setWeight(weight(release, kubernetes, 50)).weight()).as("a retried step").isEqualTo(50);

    started = System.nanoTime();
    WeightResult promoted = target.setWeight(weight(release, kubernetes, 100));
    System.out.printf("promotion (canary to 4, switch, stable rolled to 4, canary removed): %d ms%n",
        (System.nanoTime() - started) / 1_000_000);
    assertThat(promoted.weight()).isEqualTo(100);
    Deployment stable = read(name);
    assertThat(image(stable, "app")).isEqualTo(REPO + "@" + NEW);
    assertThat(stable.getSpec().getReplicas()).isEqualTo(4);
    assertThat(stable.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(KubernetesTarget.RELEASE, release).containsEntry(KubernetesTarget.DIGEST, NEW);
    assertThat(read(name + "-canary")).isNull();
    assertThat(selector(name)).isEqualTo(Map.of("app", name));
    assertThat(target.setWeight(weight(release, kubernetes, 100)).weight()).as("a retried promotion").isEqualTo(100);
    assertThat(target.checkHealth(new HealthCheckRequest("hello-service", "1.4.0", "production", "eu-1", kubernetes,
        null)).healthy()).isTrue();
  }

  @Test
  void aPromotionStraightFromTheDarkLaunchSwitchesTheServiceAndLeavesNoCanary() {
    // `darkLaunch: hold` then `gantry release promote` (or blue-green's single step): from 0% to 100%
    String name = createService(3);
    DeployTarget kubernetes = targetFor(name, name);
    String release = "release/hello-service/1.4.0";
    target.deployDark(deploy(release, "eu-1", REPO, NEW, kubernetes));
    awaitServed(name, 0, 3);

    assertThat(target.setWeight(weight(release, kubernetes, 100)).weight()).isEqualTo(100);
    Deployment stable = read(name);
    assertThat(image(stable, "app")).isEqualTo(REPO + "@" + NEW);
    assertThat(stable.getSpec().getReplicas()).isEqualTo(3);
    assertThat(read(name + "-canary")).isNull();
    assertThat(selector(name)).isEqualTo(Map.of("app", name));
    awaitServed(name, 3, 0);
  }

  @Test
  void aRollbackFromAStepGivesBackTheStableReplicasAndRemovesTheCanaryAndThePin() {
    String name = createService(4);
    DeployTarget kubernetes = targetFor(name, name);
    String release = "release/hello-service/1.4.0";
    target.deployDark(deploy(release, "eu-1", REPO, NEW, kubernetes));
    target.setWeight(weight(release, kubernetes, 50));
    assertThat(read(name).getSpec().getReplicas()).isEqualTo(2);

    RollbackResult undone = target.rollback(rollback(release, "eu-1", kubernetes));
    assertThat(undone.changed()).isTrue();
    Deployment stable = read(name);
    assertThat(stable.getSpec().getReplicas()).isEqualTo(4);
    assertThat(stable.getStatus().getAvailableReplicas()).isEqualTo(4);
    assertThat(image(stable, "app")).isEqualTo(REPO + "@" + OLD);
    assertThat(read(name + "-canary")).isNull();
    assertThat(selector(name)).isEqualTo(Map.of("app", name));
    awaitServed(name, 0, 4);
    assertThat(target.rollback(rollback(release, "eu-1", kubernetes)).changed()).as("a retried rollback").isFalse();
  }

  @Test
  void aCanaryThatNeverBecomesReadyFailsTheDarkLaunchAndIsRolledBack() {
    String name = createService(2);
    DeployTarget kubernetes = targetFor(name, name);
    String release = "release/hello-service/1.4.0";
    String broken = "registry.test/shop/" + KubernetesCluster.NEVER_READY;

    assertThatThrownBy(() -> target.deployDark(deploy(release, "eu-1", broken, NEW, kubernetes)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.getType()).isEqualTo(Failures.REGION_FAILED);
          assertThat(failure.isNonRetryable()).isTrue();
        })
        .hasMessageContaining("dark launch of 1.4.0 failed in region eu-1", name + "-canary", "ProgressDeadlineExceeded");
    awaitServed(name, 0, 2); // no request reached it

    target.rollback(rollback(release, "eu-1", kubernetes));
    assertThat(read(name + "-canary")).isNull();
    assertThat(selector(name)).isEqualTo(Map.of("app", name));
    assertThat(read(name).getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void aCanaryLeftByAnotherReleaseStopsTheNextOneAndIsNotTouched() {
    String name = createService(2);
    DeployTarget kubernetes = targetFor(name, name);
    target.deployDark(deploy("release/hello-service/1.3.9", "eu-1", REPO, NEW, kubernetes));

    assertThatThrownBy(() -> target.deployDark(deploy("release/hello-service/1.4.0", "eu-1", REPO,
        "sha256:" + "c".repeat(64), kubernetes)))
        .hasMessageContaining("deployment/" + name + "-canary", "canary of another release", "kubectl -n shop delete");
    assertThat(target.rollback(rollback("release/hello-service/1.4.0", "eu-1", kubernetes)).changed()).isFalse();
    assertThat(read(name + "-canary")).as("not its canary").isNotNull();
    assertThat(selector(name)).as("not its pin").containsKey("pod-template-hash");
  }

  @Test
  void aRegionWithoutAServiceInPolicyCannotRunACanary() {
    String name = createService(2);
    DeployTarget withoutService = targetFor(name, null);
    assertThatThrownBy(() -> target.deployDark(deploy("release/hello-service/1.4.0", "eu-1", REPO, NEW,
        withoutService)))
        .isInstanceOfSatisfying(ApplicationFailure.class,
            failure -> assertThat(failure.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET))
        .hasMessageContaining("target.kubernetes.regions.eu-1", "service");
    assertThat(read(name + "-canary")).isNull();
  }

  /** A Deployment of the old image with {@code replicas}, rolled out, and a Service selecting its pods. */
  static String createService(int replicas) {
    String name = "web-" + NAMES.incrementAndGet();
    var admin = cluster.client();
    admin.apps().deployments().inNamespace(NAMESPACE).resource(new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(4)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec()
        .addNewContainer().withName("app").withImage(REPO + "@" + OLD).endContainer()
        .addNewContainer().withName("sidecar").withImage("registry.test/proxy:v1").endContainer()
        .endSpec().endTemplate().endSpec().build()).create();
    admin.services().inNamespace(NAMESPACE).resource(new ServiceBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().addToSelector("app", name).addNewPort().withPort(80).endPort().endSpec().build()).create();
    admin.apps().deployments().inNamespace(NAMESPACE).withName(name).waitUntilCondition(
        d -> d != null && KubernetesTarget.Rollout.pending(d) == null, 60, TimeUnit.SECONDS);
    return name;
  }

  static DeployTarget targetFor(String deployment, String service) {
    ClusterSettings settings = new ClusterSettings(cluster.apiServerUrl().toString(),
        credentials.resolve("eu-1-ca.pem").toString(), "file:" + credentials.resolve("eu-1.token"), null, null,
        NAMESPACE, List.of(deployment), "app", service);
    return DeployTarget.kubernetes(new KubernetesSettings(Map.of("eu-1", settings), 60));
  }

  static WeightRequest weight(String release, DeployTarget target, int weight) {
    return new WeightRequest(release, "hello-service", "1.4.0", "production", "eu-1", target, weight);
  }

  static Deployment read(String name) {
    return cluster.client().apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  static Map<String, String> selector(String service) {
    return cluster.client().services().inNamespace(NAMESPACE).withName(service).get().getSpec().getSelector();
  }

  /**
   * The app image of each ready pod behind the Service, as the cluster's EndpointSlice controller sees it (what a
   * kube-proxy would send requests to).
   */
  static List<String> servedImages(String service) {
    Map<String, String> imageByPod = cluster.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), KubernetesCanaryTest::appImage));
    return cluster.client().discovery().v1().endpointSlices().inNamespace(NAMESPACE)
        .withLabel("kubernetes.io/service-name", service).list().getItems().stream()
        .map(EndpointSlice::getEndpoints).filter(e -> e != null).flatMap(List::stream)
        .filter(e -> e.getConditions() == null || !Boolean.FALSE.equals(e.getConditions().getReady()))
        .map(Endpoint::getTargetRef).filter(r -> r != null).map(r -> imageByPod.getOrDefault(r.getName(), "?"))
        .toList();
  }

  /** Waits until the Service's endpoints are {@code canary} pods of the new image and {@code stable} of the old. */
  static void awaitServed(String service, int canary, int stable) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<String> served = List.of();
    while (System.nanoTime() < deadline) {
      served = servedImages(service);
      if (served.stream().filter((REPO + "@" + NEW)::equals).count() == canary
          && served.stream().filter((REPO + "@" + OLD)::equals).count() == stable) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("service/" + service + " never served " + canary + " canary and " + stable
        + " stable pods; last " + served);
  }

  private static String appImage(Pod pod) {
    return pod.getSpec().getContainers().stream().filter(c -> c.getName().equals("app")).findFirst()
        .map(c -> c.getImage()).orElse("?");
  }
}
