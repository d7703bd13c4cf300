package dev.gantry.activities.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.kubernetes.ClusterSettings;
import dev.gantry.workflows.api.temporal.Failures;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.temporal.failure.ApplicationFailure;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules of the kubernetes target that need no cluster: when a rollout counts as complete, failed or
 * healthy (read from the Deployment's status as the API server returns it), which images are accepted, and
 * how the API server's answers become failures. The target against real clusters: KubernetesTargetTest.
 */
class KubernetesRulesTest {
  static final String DIGEST = "sha256:" + "b".repeat(64);
  static final ClusterSettings CLUSTER = new ClusterSettings("https://10.0.0.1:6443", "/ca.pem", "file:/token", null,
      null, "shop", List.of("hello"), "app", null);

  static Deployment deployment(long generation, Long observed, int desired, Integer updated, Integer replicas,
      Integer available) {
    return new DeploymentBuilder().withNewMetadata().withName("hello").withGeneration(generation).endMetadata()
        .withNewSpec().withReplicas(desired).endSpec()
        .withNewStatus().withObservedGeneration(observed).withUpdatedReplicas(updated).withReplicas(replicas)
        .withAvailableReplicas(available).endStatus().build();
  }

  @Test
  void aRolloutIsCompleteOnlyWhenSeenUpdatedWithoutOldReplicasAndAvailable() {
    assertThat(KubernetesTarget.Rollout.pending(deployment(3, 2L, 2, 2, 2, 2))).contains("not yet seen");
    assertThat(KubernetesTarget.Rollout.pending(deployment(3, 3L, 2, 1, 3, 2))).contains("1 of 2 replicas updated");
    assertThat(KubernetesTarget.Rollout.pending(deployment(3, 3L, 2, 2, 3, 2))).contains("1 old replica");
    assertThat(KubernetesTarget.Rollout.pending(deployment(3, 3L, 2, 2, 2, 1))).contains("1 of 2 updated replicas available");
    assertThat(KubernetesTarget.Rollout.pending(deployment(3, 3L, 2, 2, 2, 2))).isNull();
    assertThat(KubernetesTarget.Rollout.pending(deployment(3, 3L, 0, null, null, null))).as("scaled to zero").isNull();
  }

  @Test
  void progressDeadlineExceededIsAFailureWithTheConditionsMessage() {
    Deployment stuck = deployment(3, 3L, 2, 1, 3, 2);
    assertThat(KubernetesTarget.Rollout.progressDeadlineExceeded(stuck)).isNull();
    stuck.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
        .withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
        .withMessage("ReplicaSet \"hello-7c9d\" has timed out progressing.").build()));
    assertThat(KubernetesTarget.Rollout.progressDeadlineExceeded(stuck))
        .contains("ProgressDeadlineExceeded", "has timed out progressing", "2 of 2 replicas available");
    stuck.getMetadata().setGeneration(4L);
    assertThat(KubernetesTarget.Rollout.progressDeadlineExceeded(stuck))
        .as("about the template before a rollback replaced it: not yet a verdict").isNull();
  }

  @Test
  void healthyNeedsTheAvailableConditionAndNoUnavailableReplica() {
    Deployment done = deployment(3, 3L, 2, 2, 2, 2);
    assertThat(KubernetesTarget.Rollout.unhealthy(done)).contains("Available condition is not True");
    done.getStatus().setConditions(List.of(new io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder()
        .withType("Available").withStatus("True").build()));
    assertThat(KubernetesTarget.Rollout.unhealthy(done)).isNull();
    done.getStatus().setUnavailableReplicas(1);
    assertThat(KubernetesTarget.Rollout.unhealthy(done)).contains("1 replica(s) unavailable");
  }

  @Test
  void onlyAnImageByDigestIsDeployed() {
    assertThat(KubernetesTarget.imageByDigest(request("registry.example.com/shop/hello", DIGEST)))
        .isEqualTo("registry.example.com/shop/hello@" + DIGEST);
    assertThat(KubernetesTarget.imageByDigest(request("localhost:5000/shop/hello", DIGEST)))
        .isEqualTo("localhost:5000/shop/hello@" + DIGEST);
    for (String tagged : List.of("registry.example.com/shop/hello:1.4.0", "registry.example.com/shop/hello@" + DIGEST,
        "hello", "registry.example.com/shop/hello/")) {
      assertThatThrownBy(() -> KubernetesTarget.imageByDigest(request(tagged, DIGEST))).as(tagged)
          .isInstanceOfSatisfying(ApplicationFailure.class, e -> {
            assertThat(e.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
            assertThat(e.isNonRetryable()).isTrue();
          });
    }
    assertThatThrownBy(() -> KubernetesTarget.imageByDigest(request("registry.example.com/shop/hello", "latest")))
        .hasMessageContaining("sha256:<64 lowercase hex>");
    assertThatThrownBy(() -> KubernetesTarget.imageByDigest(new DeployRequest("r", "a", "1", ArtifactRef.file("/a",
        DIGEST), "e", "r", null))).hasMessageContaining("deploys images");
  }

  @Test
  void answersBecomeFailuresNamingRegionAndApiServerWithoutTheClientsStackTrace() {
    ApplicationFailure down = KubernetesErrors.translate("eu-1", CLUSTER, "read deployment/hello",
        new KubernetesClientException("Operation: [get] failed", new ConnectException("Connection refused")));
    assertThat(down.getType()).isEqualTo(Failures.KUBERNETES_UNAVAILABLE);
    assertThat(down.isNonRetryable()).isFalse();
    assertThat(down.getOriginalMessage()).contains("region eu-1 (API server https://10.0.0.1:6443)",
        "cannot be reached (ConnectException: 'Connection refused')");
    assertThat(down.getCause()).isNull();

    ApplicationFailure forbidden = KubernetesErrors.translate("eu-1", CLUSTER, "set the image of deployment/hello",
        new KubernetesClientException(new StatusBuilder().withCode(403)
            .withMessage("deployments.apps \"hello\" is forbidden: User \"gantry-worker\" cannot patch").build()));
    assertThat(forbidden.getType()).isEqualTo(Failures.KUBERNETES_ACCESS_DENIED);
    assertThat(forbidden.isNonRetryable()).isTrue();
    assertThat(forbidden.getOriginalMessage()).contains("forbidden (403)", "cannot patch", "docs/kubernetes.md",
        "namespace shop");

    ApplicationFailure expired = KubernetesErrors.translate("eu-1", CLUSTER, "read deployment/hello",
        new KubernetesClientException(new StatusBuilder().withCode(401).withMessage("Unauthorized").build()));
    assertThat(expired.getOriginalMessage()).contains("refused the worker's credentials (401)",
        "target.kubernetes.regions.eu-1");
    assertThat(expired.isNonRetryable()).isTrue();

    ApplicationFailure busy = KubernetesErrors.translate("eu-1", CLUSTER, "patch",
        new KubernetesClientException(new StatusBuilder().withCode(409).withMessage("conflict").build()));
    assertThat(busy.isNonRetryable()).as("a conflict is retried").isFalse();
  }

  static DeployRequest request(String repository, String digest) {
    return new DeployRequest("r", "hello", "1.4.0", new ArtifactRef(ArtifactRef.IMAGE, repository, digest),
        "production", "eu-1", null);
  }
}
