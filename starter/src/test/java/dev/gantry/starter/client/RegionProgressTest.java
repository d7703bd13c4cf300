package dev.gantry.starter.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `release watch` shows where a long step stands: the heartbeat of the activity a region's workflow runs
 * (read with DescribeWorkflowExecution), under the region, for regions deploying or rolling back only.
 */
class RegionProgressTest {
  static final String RELEASE = "release/hello-service/1.4.0";
  static final CountDownLatch DONE = new CountDownLatch(1);
  static final CountDownLatch BEATING = new CountDownLatch(1);
  TestWorkflowEnvironment env;

  @WorkflowInterface
  public interface Region {
    @WorkflowMethod
    void deploy();
  }

  @ActivityInterface
  public interface Rollout {
    void await();
  }

  public static class RegionImpl implements Region {
    @Override
    public void deploy() {
      Workflow.newActivityStub(Rollout.class, ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1)).build()).await();
    }
  }

  static class RolloutImpl implements Rollout {
    @Override
    public void await() {
      Activity.getExecutionContext().heartbeat("waiting for the rollout of 1.4.0 in eu-1: deployment/hello-service"
          + " 1 of 2 updated replicas available");
      BEATING.countDown();
      try {
        DONE.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker("regions");
    worker.registerWorkflowImplementationTypes(RegionImpl.class);
    worker.registerActivitiesImplementations(new RolloutImpl());
    env.start();
  }

  @AfterEach
  void close() {
    DONE.countDown();
    env.close();
  }

  @Test
  void aDeployingRegionShowsItsActivitysHeartbeatAndOthersShowNothing() throws InterruptedException {
    WorkflowClient client = env.getWorkflowClient();
    WorkflowClient.start(client.newWorkflowStub(Region.class, WorkflowOptions.newBuilder()
        .setWorkflowId(RELEASE + "/production/eu-1").setTaskQueue("regions").build())::deploy);
    assertThat(BEATING.await(10, TimeUnit.SECONDS)).isTrue();
    ReleaseStatus status = status(RegionState.DEPLOYING, RegionState.DEPLOYED);

    Map<String, String> progress = awaitProgress(new GantryClient(client), status);
    assertThat(progress).containsOnlyKeys("production/eu-1");
    assertThat(progress.get("production/eu-1")).contains("1 of 2 updated replicas available");
    assertThat(LiveView.frame(status, progress, 100, 24))
        .contains("now: waiting for the rollout of 1.4.0 in eu-1: deployment/hello-service 1 of 2");
    assertThat(new GantryClient(client).regionProgress(status(RegionState.DEPLOYED, RegionState.DEPLOYED)))
        .as("a region that is not deploying is not asked").isEmpty();
  }

  static Map<String, String> awaitProgress(GantryClient gantry, ReleaseStatus status) throws InterruptedException {
    Map<String, String> progress = Map.of();
    for (int i = 0; i < 50 && progress.isEmpty(); i++) {
      progress = gantry.regionProgress(status);
      Thread.sleep(100);
    }
    return progress;
  }

  static ReleaseStatus status(RegionState eu, RegionState us) {
    return new ReleaseStatus(RELEASE, "hello-service", "1.4.0", "sha256:abc", "dana", ReleaseState.RUNNING,
        "deploy:production", List.of(new EnvironmentStatus("production", EnvironmentState.DEPLOYING, List.of(
            new RegionStatus("eu-1", eu, "1.3.0", "deploying 1.4.0"),
            new RegionStatus("us-1", us, "1.3.0", "healthy")), null)),
        List.of(), List.of(), "2026-12-05T10:00:00Z", null, null, List.of(), List.of(), List.of());
  }
}
