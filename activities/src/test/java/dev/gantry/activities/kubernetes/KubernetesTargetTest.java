package dev.gantry.activities.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.support.KubernetesCluster;
import dev.gantry.activities.support.Peers;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RecordDeploymentRequest;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.environment.DriftItem;
import dev.gantry.workflows.api.environment.RecordedDeployment;
import dev.gantry.workflows.api.environment.RegionActual;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.kubernetes.KubernetesSettings;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.environment.DriftComparison;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes target against two real control planes (one per region, {@link KubernetesCluster}), logged in
 * as a user who may do only what the Role of docs/kubernetes.md grants (this test applies that very YAML):
 * deploy by digest and rolled out, the release in the Deployment's history, a retried deploy that changes
 * nothing, health, rollback to the previous ReplicaSet's template, a never-ready image that fails the region
 * and is rolled back, a namespace the worker may not touch, a tag refused, a cluster that is down, and two
 * regions recorded, then drift when someone changes one by hand.
 */
public class KubernetesTargetTest {
  static final String REPO = "registry.test/shop/hello-service";
  static final String OLD = "sha256:" + "a".repeat(64);
  static final String NEW = "sha256:" + "b".repeat(64);
  static final String NAMESPACE = "shop";
  static final AtomicInteger NAMES = new AtomicInteger();
  static KubernetesCluster east;
  static KubernetesCluster west;
  @TempDir static Path credentials;

  final KubernetesClusters clusters = new KubernetesClusters(name -> null);
  final KubernetesTarget target = new KubernetesTarget(clusters, new HealthChecker(), Clock.systemUTC());
  final KubernetesEnvironments environments = new KubernetesEnvironments(clusters);

  @BeforeAll
  static void startClusters() throws IOException {
    long started = System.nanoTime();
    east = KubernetesCluster.start("eu-1");
    west = KubernetesCluster.start("us-1");
    System.out.printf("two clusters started in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    for (KubernetesCluster cluster : List.of(east, west)) {
      KubernetesClient admin = cluster.client();
      admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata()
          .build()).create();
      admin.load(new ByteArrayInputStream(documentedRole().getBytes(StandardCharsets.UTF_8))).create();
      Files.writeString(credentials.resolve(cluster.name() + "-ca.pem"), cluster.caPem());
      Files.writeString(credentials.resolve(cluster.name() + ".token"), cluster.workerToken() + "\n");
    }
  }

  @AfterAll
  static void stopClusters() {
    for (KubernetesCluster cluster : new KubernetesCluster[] {east, west}) {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  /** The Role and RoleBinding docs/kubernetes.md tells operators to apply: the first yaml block after its note. */
  public static String documentedRole() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "kubernetes.md"));
    int note = -1;
    for (int i = 0; i < lines.size() && note < 0; i++) {
      if (lines.get(i).contains("KubernetesTargetTest applies this very block")) {
        note = i;
      }
    }
    assertThat(note).as("docs/kubernetes.md marks its Role block").isGreaterThanOrEqualTo(0);
    int open = note + 1;
    while (!lines.get(open).startsWith("```yaml")) {
      open++;
    }
    int close = open + 1;
    while (!lines.get(close).startsWith("```")) {
      close++;
    }
    return String.join("\n", lines.subList(open + 1, close)) + "\n";
  }

  static ClusterSettings settings(KubernetesCluster cluster, String namespace, String... deployments) {
    return new ClusterSettings(cluster.apiServerUrl().toString(),
        credentials.resolve(cluster.name() + "-ca.pem").toString(),
        "file:" + credentials.resolve(cluster.name() + ".token"), null, null, namespace, List.of(deployments),
        "app", null);
  }

  static DeployTarget targetOf(Map<String, ClusterSettings> regions) {
    return DeployTarget.kubernetes(new KubernetesSettings(regions, 60));
  }

  /** A Deployment as a team would have it before Gantry: two replicas of the old image, a short deadline. */
  static String createDeployment(KubernetesCluster cluster, String image) {
    String name = "hello-" + NAMES.incrementAndGet();
    Deployment deployment = new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
        .withNewSpec().withReplicas(2).withProgressDeadlineSeconds(4)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec()
        .addNewContainer().withName("app").withImage(image).endContainer()
        .addNewContainer().withName("sidecar").withImage("registry.test/proxy:v1").endContainer()
        .endSpec().endTemplate().endSpec().build();
    cluster.client().apps().deployments().inNamespace(NAMESPACE).resource(deployment).create();
    cluster.client().apps().deployments().inNamespace(NAMESPACE).withName(name)
        .waitUntilCondition(d -> d != null && KubernetesTarget.Rollout.pending(d) == null, 60, TimeUnit.SECONDS);
    return name;
  }

  static Deployment read(KubernetesCluster cluster, String name) {
    return cluster.client().apps().deployments().inNamespace(NAMESPACE).withName(name).get();
  }

  static String image(Deployment deployment, String container) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(container)).findFirst().orElseThrow().getImage();
  }

  static DeployRequest deploy(String release, String region, String repository, String digest, DeployTarget target) {
    return new DeployRequest(release, "hello-service", "1.4.0", new ArtifactRef(ArtifactRef.IMAGE, repository, digest),
        "production", region, target);
  }

  static RollbackRequest rollback(String release, String region, DeployTarget target) {
    return new RollbackRequest(release, "hello-service", "1.4.0", "production", region, target, "test");
  }

  @Test
  void deploySetsTheImageByDigestWaitsForTheRolloutAndRollbackRestoresThePreviousTemplate() {
    String name = createDeployment(east, REPO + "@" + OLD);
    DeployTarget kubernetes = targetOf(Map.of("eu-1", settings(east, NAMESPACE, name)));
    String release = "release/hello-service/1.4.0";

    long started = System.nanoTime();
    DeployResult deployed = target.deploy(deploy(release, "eu-1", REPO, NEW, kubernetes));
    System.out.printf("deploy of a 2-replica Deployment, patch to rolled out: %d ms%n",
        (System.nanoTime() - started) / 1_000_000);

    Deployment after = read(east, name);
    assertThat(image(after, "app")).isEqualTo(REPO + "@" + NEW);
    assertThat(image(after, "sidecar")).as("other containers untouched").isEqualTo("registry.test/proxy:v1");
    assertThat(after.getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(after.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(deployed.previousVersion()).isEqualTo(REPO + "@" + OLD);
    assertThat(deployed.alreadyCurrent()).isFalse();
    assertThat(deployed.location()).contains("deployment/" + name, "revision 2");
    assertThat(after.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(KubernetesTarget.RELEASE, release).containsEntry(KubernetesTarget.VERSION, "1.4.0")
        .containsEntry(KubernetesTarget.DIGEST, NEW);
    assertThat(east.kubectl("-n", NAMESPACE, "rollout", "history", "deployment/" + name))
        .contains("gantry release " + release + ": hello-service 1.4.0 " + NEW);

    DeployResult retried = target.deploy(deploy(release, "eu-1", REPO, NEW, kubernetes));
    assertThat(retried.alreadyCurrent()).as("its own earlier work: not someone else's").isFalse();
    assertThat(retried.previousVersion()).isEqualTo(REPO + "@" + OLD);
    assertThat(read(east, name).getMetadata().getGeneration()).as("nothing changed")
        .isEqualTo(after.getMetadata().getGeneration());
    DeployResult otherRelease = target.deploy(deploy("release/hello-service/1.4.0-b", "eu-1", REPO, NEW, kubernetes));
    assertThat(otherRelease.alreadyCurrent()).as("another release finds the digest running: nothing to do").isTrue();

    HealthCheckResult health = target.checkHealth(new HealthCheckRequest("hello-service", "1.4.0", "production",
        "eu-1", kubernetes, null));
    assertThat(health.healthy()).isTrue();
    assertThat(health.detail()).contains("deployment/" + name + " 2/2 available");
    assertThatThrownBy(() -> target.checkHealth(new HealthCheckRequest("hello-service", "1.3.0", "production",
        "eu-1", kubernetes, null)))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> assertThat(e.getType()).isEqualTo(Failures.UNHEALTHY));

    RollbackResult undone = target.rollback(rollback(release, "eu-1", kubernetes));

    Deployment back = read(east, name);
    assertThat(undone.changed()).isTrue();
    assertThat(undone.restoredVersion()).isEqualTo(REPO + "@" + OLD);
    assertThat(image(back, "app")).isEqualTo(REPO + "@" + OLD);
    assertThat(back.getSpec().getTemplate().getMetadata().getAnnotations()).doesNotContainKey(KubernetesTarget.RELEASE);
    assertThat(KubernetesTarget.Rollout.pending(back)).as("the rollback waited for its rollout").isNull();
    assertThat(back.getMetadata().getAnnotations()).containsEntry(KubernetesTarget.REVISION, "3");
    assertThat(target.rollback(rollback("release/hello-service/other", "eu-1", kubernetes)).changed())
        .as("another release's rollback leaves it alone").isFalse();
  }

  @Test
  void aNeverReadyImageFailsTheRegionWithTheReasonAndRollbackRestoresTheLastGoodTemplate() {
    String name = createDeployment(east, REPO + "@" + OLD);
    DeployTarget kubernetes = targetOf(Map.of("eu-1", settings(east, NAMESPACE, name)));
    String broken = "registry.test/shop/" + KubernetesCluster.NEVER_READY;

    long started = System.nanoTime();
    assertThatThrownBy(() -> target.deploy(deploy("release/hello-service/1.4.0", "eu-1", broken, NEW, kubernetes)))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(Failures.REGION_FAILED);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).contains("region eu-1", "deployment/" + name,
              "ProgressDeadlineExceeded");
        });
    System.out.printf("never-ready rollout failed after %d ms (progressDeadlineSeconds 4)%n",
        (System.nanoTime() - started) / 1_000_000);

    RollbackResult undone = target.rollback(rollback("release/hello-service/1.4.0", "eu-1", kubernetes));

    Deployment back = read(east, name);
    assertThat(undone.changed()).isTrue();
    assertThat(image(back, "app")).isEqualTo(REPO + "@" + OLD);
    assertThat(KubernetesTarget.Rollout.pending(back)).isNull();
    assertThat(back.getStatus().getAvailableReplicas()).isEqualTo(2);
  }

  @Test
  void aNamespaceTheRoleDoesNotCoverIsRefusedNamingTheFix() {
    DeployTarget kubernetes = targetOf(Map.of("eu-1", settings(east, "default", "hello-service")));

    assertThatThrownBy(() -> target.deploy(deploy("release/hello-service/1.4.0", "eu-1", REPO, NEW, kubernetes)))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(Failures.KUBERNETES_ACCESS_DENIED);
          assertThat(e.isNonRetryable()).isTrue();
          assertThat(e.getOriginalMessage()).contains("region eu-1", east.apiServerUrl().toString(), "forbidden (403)",
              "docs/kubernetes.md").doesNotContain(east.workerToken());
        });
  }

  @Test
  void aMissingDeploymentIsNamedWithTheField() {
    DeployTarget kubernetes = targetOf(Map.of("eu-1", settings(east, NAMESPACE, "no-such-deployment")));

    assertThatThrownBy(() -> target.deploy(deploy("release/hello-service/1.4.0", "eu-1", REPO, NEW, kubernetes)))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(Failures.KUBERNETES_RESOURCE_MISSING);
          assertThat(e.getOriginalMessage()).contains("deployment/no-such-deployment does not exist",
              "target.kubernetes.regions.eu-1.deployments");
        });
  }

  @Test
  void aTagIsRefusedBeforeAnyClusterIsAsked() {
    DeployTarget kubernetes = targetOf(Map.of("eu-1", settings(east, NAMESPACE, "hello-service")));

    assertThatThrownBy(() -> target.deploy(deploy("r", "eu-1", REPO + ":1.4.0", NEW, kubernetes)))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
          assertThat(e.getOriginalMessage()).contains("by digest", "without tag or digest");
        });
  }

  @Test
  void aClusterThatIsDownIsARetryableFailureNamingRegionAndApiServer() {
    ClusterSettings up = settings(east, NAMESPACE, "hello-service");
    String down = "https://127.0.0.1:" + Peers.freePort();
    DeployTarget kubernetes = targetOf(Map.of("ap-1", new ClusterSettings(down, up.caFile(), up.token(), null, null,
        NAMESPACE, List.of("hello-service"), "app", null)));

    long started = System.nanoTime();
    assertThatThrownBy(() -> target.deploy(deploy("r", "ap-1", REPO, NEW, kubernetes)))
        .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
          assertThat(e.getType()).isEqualTo(Failures.KUBERNETES_UNAVAILABLE);
          assertThat(e.isNonRetryable()).isFalse();
          assertThat(e.getOriginalMessage()).contains("region ap-1", down, "cannot be reached", "retried")
              .doesNotContain(east.workerToken()).doesNotContain("\tat ");
          assertThat(e.getCause()).as("no stack trace of the client rides along").isNull();
        });
    assertThat((System.nanoTime() - started) / 1_000_000).as("fails fast").isLessThan(10_000);
  }

  @Test
  void twoRegionsAreTwoClustersRecordedAndAHandMadeChangeIsDrift() {
    String eastName = createDeployment(east, REPO + "@" + OLD);
    String westName = createDeployment(west, REPO + "@" + OLD);
    Map<String, ClusterSettings> regions = new LinkedHashMap<>();
    regions.put("eu-1", settings(east, NAMESPACE, eastName));
    regions.put("us-1", settings(west, NAMESPACE, westName));
    DeployTarget kubernetes = targetOf(regions);
    String release = "release/hello-service/1.4.0-two";
    for (String region : regions.keySet()) {
      target.deploy(deploy(release, region, REPO, NEW, kubernetes));
    }
    var recorded = target.recordDeployment(new RecordDeploymentRequest(release, "hello-service", "1.4.0", NEW,
        "production", List.of("eu-1", "us-1"), kubernetes));
    assertThat(recorded.location()).contains("configmap/gantry-hello-service-production", "eu-1", "us-1");
    assertThat(image(read(east, eastName), "app")).isEqualTo(REPO + "@" + NEW);
    assertThat(image(read(west, westName), "app")).isEqualTo(REPO + "@" + NEW);

    RegionsRequest both = new RegionsRequest("hello-service", "production", kubernetes, List.of("eu-1", "us-1"));
    RecordedDeployment record = environments.readRecordedDeployment(both);
    assertThat(record.version()).isEqualTo("1.4.0");
    assertThat(record.artifactDigest()).isEqualTo(NEW);
    List<RegionActual> actual = environments.readRegions(both).regions();
    assertThat(actual).extracting(RegionActual::digest).containsExactly(NEW, NEW);
    EnvironmentPlan plan = EnvironmentPlan.builder().name("production").primaryRegion("eu-1")
        .waves(List.of(List.of("eu-1"), List.of("us-1"))).target(kubernetes).variables(Map.of()).build();
    assertThat(DriftComparison.compare(plan, record, actual, null, null)).isEmpty();

    String other = "sha256:" + "c".repeat(64);
    west.kubectl("-n", NAMESPACE, "set", "image", "deployment/" + westName, "app=" + REPO + "@" + other);

    List<DriftItem> drift = DriftComparison.compare(plan, record, environments.readRegions(both).regions(), null, null);
    assertThat(drift).singleElement().satisfies(item -> {
      assertThat(item.kind()).isEqualTo("digest");
      assertThat(item.line()).contains("us-1", NEW, other);
    });
  }
}
