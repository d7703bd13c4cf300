package dev.gantry.activities.aws;

import static dev.gantry.activities.aws.MotoWorld.REGIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A production release of hello-service to four AWS regions: the real ReleaseWorkflow and
 * RegionDeploymentWorkflow, the real Lambda adapter, moto behind it.
 */
class AwsMultiRegionReleaseTest {
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld world;
  TemporalWithMoto temporal;
  @TempDir Path dir;

  @BeforeEach
  void world() {
    world = new MotoWorld(moto);
    world.everywhere();
    temporal = new TemporalWithMoto(world, dir);
  }

  @AfterEach
  void close() {
    temporal.close();
    world.close();
  }

  /** Primary alone, then the other three, at most {@code maxParallel} at once. */
  ReleaseRequest release(String version, AwsTarget aws, Integer maxParallel) {
    ArtifactRef artifact = MotoWorld.artifact(dir, version);
    EnvironmentPlan production = EnvironmentPlan.builder()
        .name("production")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1"), List.of("us-west-2", "eu-west-1", "ap-southeast-1")))
        .target(DeployTarget.aws(DeployTarget.LAMBDA, aws))
        .healthCheck(new HealthCheck(null, null, 30, 2, 1))
        .approval(ApprovalPolicy.none())
        .variables(Map.of())
        .verification(dev.gantry.workflows.api.signing.VerificationPolicy.notRequired())
        .maxParallelRegions(maxParallel)
        .build();
    return new ReleaseRequest("hello-service", version, artifact, List.of(production), "dana", "test");
  }

  ReleaseStatus run(ReleaseRequest request) {
    ReleaseWorkflow release = temporal.env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.releaseId()).setTaskQueue(TaskQueues.RELEASE).build());
    return release.run(request);
  }

  ReleaseStatus statusOf(String releaseId) {
    return temporal.env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class, releaseId).status();
  }

  Map<String, String> servedVersions() {
    Map<String, String> served = new LinkedHashMap<>();
    REGIONS.forEach(region -> served.put(region, world.aliasServes(region)));
    return served;
  }

  @Test
  void fourRegionsDeployAndEveryReplicaMatchesTheArtifact() {
    ReleaseRequest request = release("1.4.0", world.target(null), null);

    ReleaseStatus report = run(request);

    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(servedVersions()).containsOnly(
        Map.entry("us-east-1", "1.4.0"), Map.entry("us-west-2", "1.4.0"),
        Map.entry("eu-west-1", "1.4.0"), Map.entry("ap-southeast-1", "1.4.0"));
    for (String region : REGIONS) {
      assertThat(world.replicaDigest(region, "hello-service/1.4.0/hello-service-1.4.0.zip"))
          .as("replica in " + region).isEqualTo(request.artifact().digest());
    }
  }

  @Test
  void whenTheThirdRegionIsUnhealthyItAndTheFirstTwoRollBackAndTheFourthIsNeverTouched() {
    run(release("1.3.0", world.target(null), 1));
    world.setAlarm("eu-west-1", "ALARM");
    ReleaseRequest request = release("1.4.0", world.target(null), 1);

    assertThatThrownBy(() -> run(request)).isInstanceOf(WorkflowFailedException.class);

    assertThat(servedVersions()).as("every region serves what it served before")
        .containsOnly(Map.entry("us-east-1", "1.3.0"), Map.entry("us-west-2", "1.3.0"),
            Map.entry("eu-west-1", "1.3.0"), Map.entry("ap-southeast-1", "1.3.0"));
    ReleaseStatus status = statusOf(request.releaseId());
    assertThat(status.failureReason()).contains("eu-west-1", "alarm hello-5xx-eu-west-1 is ALARM");
    assertThat(regions(status)).containsEntry("us-east-1", RegionState.ROLLED_BACK)
        .containsEntry("us-west-2", RegionState.ROLLED_BACK)
        .containsEntry("eu-west-1", RegionState.FAILED)
        .containsEntry("ap-southeast-1", RegionState.SKIPPED);
    assertThat(world.publishedVersions("ap-southeast-1")).as("1.4.0 never reached the fourth region")
        .isEqualTo(1);
  }

  @Test
  void aMissingBucketInTheThirdRegionFailsClearlyAndTheSagaRollsBackTheFirstTwo() {
    run(release("1.3.0", world.target(null), 1));
    AwsTarget aws = world.target(null);
    Map<String, AwsRegionSettings> regions = new LinkedHashMap<>(aws.regions());
    AwsRegionSettings eu = regions.get("eu-west-1");
    regions.put("eu-west-1", new AwsRegionSettings("gantry-artifacts-eu-west-1-typo", eu.alarms(),
        eu.healthCheckId(), eu.weight(), eu.endpoint()));
    AwsTarget typo = new AwsTarget(aws.account(), aws.artifactBucket(), aws.lambda(), null, null, regions, 0);
    ReleaseRequest request = release("1.4.0", typo, 1);

    assertThatThrownBy(() -> run(request)).isInstanceOf(WorkflowFailedException.class);

    assertThat(servedVersions()).containsOnly(Map.entry("us-east-1", "1.3.0"), Map.entry("us-west-2", "1.3.0"),
        Map.entry("eu-west-1", "1.3.0"), Map.entry("ap-southeast-1", "1.3.0"));
    ReleaseStatus status = statusOf(request.releaseId());
    assertThat(status.failureReason()).contains("artifact bucket gantry-artifacts-eu-west-1-typo does not exist"
        + " in eu-west-1");
    assertThat(regions(status)).containsEntry("us-east-1", RegionState.ROLLED_BACK)
        .containsEntry("us-west-2", RegionState.ROLLED_BACK);
  }

  @Test
  void anUnknownRegionFailsClearlyAndTheSagaRollsBackTheRegionsBeforeIt() {
    run(release("1.3.0", world.target(null), 1));
    ReleaseRequest good = release("1.4.0", world.target(null), 1);
    EnvironmentPlan plan = good.environments().get(0);
    EnvironmentPlan withTypo = plan.toBuilder()
        .waves(List.of(List.of("us-east-1"), List.of("us-west-2", "eu-westt-1")))
        .maxParallelRegions(1)
        .build();
    ReleaseRequest request = new ReleaseRequest(good.application(), good.version(), good.artifact(),
        List.of(withTypo), good.requestedBy(), good.specSource());

    assertThatThrownBy(() -> run(request)).isInstanceOf(WorkflowFailedException.class);

    ReleaseStatus status = statusOf(request.releaseId());
    assertThat(status.failureReason()).contains("region 'eu-westt-1' is not an AWS region");
    assertThat(regions(status)).containsEntry("us-east-1", RegionState.ROLLED_BACK)
        .containsEntry("us-west-2", RegionState.ROLLED_BACK);
    assertThat(world.aliasServes("us-east-1")).isEqualTo("1.3.0");
    assertThat(world.aliasServes("us-west-2")).isEqualTo("1.3.0");
  }

  private static Map<String, RegionState> regions(ReleaseStatus status) {
    Map<String, RegionState> states = new LinkedHashMap<>();
    status.environments().get(0).regions().forEach(r -> states.put(r.region(), r.state()));
    return states;
  }
}
