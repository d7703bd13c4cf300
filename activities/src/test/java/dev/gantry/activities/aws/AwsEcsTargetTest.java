package dev.gantry.activities.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.aws.EcsSettings;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The ecs adapter against moto. moto runs no tasks, so the service is created with desiredCount 0: the
 * steady-state wait then sees 0 of 0 running and returns at once.
 */
class AwsEcsTargetTest {
  static final String REGION = "us-west-2";
  static final String REPO = "123456789012.dkr.ecr.us-west-2.amazonaws.com/hello-service";
  static final String OLD = "sha256:" + "a".repeat(64);
  static final String NEW = "sha256:" + "b".repeat(64);
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld world;
  EcsTarget target;
  DeployTarget deployTarget;
  String firstRevision;

  @BeforeEach
  void world() {
    world = new MotoWorld(moto);
    EcsClient ecs = world.clients.ecs(REGION);
    ecs.createCluster(b -> b.clusterName("hello"));
    firstRevision = ecs.registerTaskDefinition(b -> b.family("hello-service").containerDefinitions(
        ContainerDefinition.builder().name("app").image(REPO + "@" + OLD).memory(256).build(),
        ContainerDefinition.builder().name("sidecar").image("public.ecr.aws/envoy:v1").memory(64).build()))
        .taskDefinition().taskDefinitionArn();
    ecs.createService(b -> b.cluster("hello").serviceName("hello-service").taskDefinition(firstRevision)
        .desiredCount(0));
    target = new EcsTarget(world.clients, new RegionHealthChecks(world.clients, new HealthChecker()));
    deployTarget = DeployTarget.aws(DeployTarget.ECS, new AwsTarget(MotoWorld.ACCOUNT, null, null,
        new EcsSettings("hello", "hello-service", "app", 60), null, Map.of(), 0));
  }

  @AfterEach
  void close() {
    world.close();
  }

  DeployRequest deploy(String releaseId) {
    return new DeployRequest(releaseId, "hello-service", "1.4.0", new ArtifactRef(ArtifactRef.IMAGE, REPO, NEW),
        "production", REGION, deployTarget);
  }

  String serviceTaskDefinition() {
    return world.clients.ecs(REGION).describeServices(b -> b.cluster("hello").services("hello-service"))
        .services().get(0).taskDefinition();
  }

  String appImage(String taskDefinition) {
    return world.clients.ecs(REGION).describeTaskDefinition(b -> b.taskDefinition(taskDefinition))
        .taskDefinition().containerDefinitions().stream().filter(c -> c.name().equals("app")).findFirst()
        .orElseThrow().image();
  }

  @Test
  void deployRegistersTheImageByDigestUpdatesTheServiceOnceAndRollbackRestoresThePreviousRevision() {
    DeployResult deployed = target.deploy(deploy("release/hello-service/1.4.0"));

    String revision = serviceTaskDefinition();
    assertThat(revision).isNotEqualTo(firstRevision).endsWith("hello-service:2");
    assertThat(appImage(revision)).isEqualTo(REPO + "@" + NEW);
    assertThat(deployed.previousVersion()).isEqualTo("hello-service:1");
    assertThat(deployed.alreadyCurrent()).isFalse();

    DeployResult retried = target.deploy(deploy("release/hello-service/1.4.0"));
    assertThat(retried.alreadyCurrent()).isFalse();
    assertThat(retried.previousVersion()).isEqualTo("hello-service:1");
    assertThat(world.clients.ecs(REGION).listTaskDefinitions(b -> b.familyPrefix("hello-service"))
        .taskDefinitionArns()).as("a retry registers nothing new").hasSize(2);

    RollbackResult undone = target.rollback(new RollbackRequest("release/hello-service/1.4.0", "hello-service",
        "1.4.0", "production", REGION, deployTarget, "test"));
    assertThat(undone).isEqualTo(new RollbackResult(true, "hello-service:1"));
    assertThat(serviceTaskDefinition()).isEqualTo(firstRevision);
    assertThat(target.rollback(new RollbackRequest("release/hello-service/1.4.0", "hello-service", "1.4.0",
        "production", REGION, deployTarget, "again")).changed()).isFalse();
  }

  @Test
  void aMissingServiceIsAClearNonRetryableError() {
    DeployTarget wrong = DeployTarget.aws(DeployTarget.ECS, new AwsTarget(MotoWorld.ACCOUNT, null, null,
        new EcsSettings("hello", "no-such-service", "app", 60), null, Map.of(), 0));

    assertThatThrownBy(() -> target.deploy(new DeployRequest("r", "hello-service", "1.4.0",
        new ArtifactRef(ArtifactRef.IMAGE, REPO, NEW), "production", REGION, wrong)))
        .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
          assertThat(failure.isNonRetryable()).isTrue();
          assertThat(failure.getType()).isIn(Failures.AWS_RESOURCE_MISSING);
          assertThat(failure.getOriginalMessage()).contains("no-such-service");
        });
  }

  /** The task definition names the image by the verified digest only: a tag or a second digest is refused. */
  @Test
  void anImageLocationWithATagOrADigestOfItsOwnIsRefusedAndNothingIsRegistered() {
    for (String location : new String[] {REPO + ":latest", REPO + "@" + OLD, REPO + ":1.4.0@" + OLD}) {
      assertThatThrownBy(() -> target.deploy(new DeployRequest("release/hello-service/1.4.0", "hello-service",
          "1.4.0", new ArtifactRef(ArtifactRef.IMAGE, location, NEW), "production", REGION, deployTarget)))
          .isInstanceOfSatisfying(ApplicationFailure.class, failure -> {
            assertThat(failure.isNonRetryable()).isTrue();
            assertThat(failure.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
            assertThat(failure.getOriginalMessage()).contains("by digest");
          });
    }
    assertThatThrownBy(() -> target.deploy(new DeployRequest("release/hello-service/1.4.0", "hello-service",
        "1.4.0", new ArtifactRef(ArtifactRef.IMAGE, REPO, "sha256:latest"), "production", REGION, deployTarget)))
        .isInstanceOf(ApplicationFailure.class).hasMessageContaining("64 lowercase hex");
    assertThat(serviceTaskDefinition()).isEqualTo(firstRevision);
    assertThat(world.clients.ecs(REGION).listTaskDefinitions(b -> b.familyPrefix("hello-service"))
        .taskDefinitionArns()).hasSize(1);
  }
}
