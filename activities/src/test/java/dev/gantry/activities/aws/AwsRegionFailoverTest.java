package dev.gantry.activities.aws;

import static dev.gantry.activities.aws.MotoWorld.REGIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.ReleaseIds;
import dev.gantry.workflows.api.TaskQueues;
import dev.gantry.workflows.api.traffic.FailbackApproval;
import dev.gantry.workflows.api.traffic.FailoverCommand;
import dev.gantry.workflows.api.traffic.FailoverDecision;
import dev.gantry.workflows.api.traffic.FailoverState;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
import dev.gantry.workflows.failover.RegionFailoverWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region goes unhealthy (CloudWatch SetAlarmState in moto): its Route 53 weight moves to the healthy
 * regions; after SetAlarmState OK and a named approval it gets its weight back. Real workflow, real
 * activities, Route 53 read back from moto.
 */
class AwsRegionFailoverTest {
  static final int POLL_SECONDS = 30;
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld world;
  TemporalWithMoto temporal;
  DeployTarget target;
  String zone;
  @TempDir Path dir;

  @BeforeEach
  void world() {
    world = new MotoWorld(moto);
    REGIONS.forEach(world::alarm);
    zone = world.hostedZone();
    target = DeployTarget.aws(DeployTarget.LAMBDA, world.target(zone));
    // the records as they are before any trouble: us-east-1 40, the others 20 each
    new TrafficRouter(world.clients).apply(target.aws(), Map.of("us-east-1", 40, "us-west-2", 20,
        "eu-west-1", 20, "ap-southeast-1", 20));
    temporal = new TemporalWithMoto(world, dir);
  }

  @AfterEach
  void close() {
    temporal.close();
    world.close();
  }

  RegionFailoverWorkflow watch(String region) {
    RegionFailoverRequest request = new RegionFailoverRequest("hello-service", "production", region, REGIONS,
        target, null, POLL_SECONDS, List.of("carol", "erin"), null);
    RegionFailoverWorkflow watch = temporal.env.getWorkflowClient().newWorkflowStub(RegionFailoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ReleaseIds.failover("hello-service", "production", region))
            .setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(watch::watch, request);
    return watch;
  }

  /** Lets workflow time pass one poll, then waits (bounded) until the status says what we expect. */
  RegionFailoverStatus afterNextPoll(RegionFailoverWorkflow watch, Predicate<RegionFailoverStatus> expected) {
    temporal.env.sleep(Duration.ofSeconds(POLL_SECONDS + 1));
    for (int i = 0; i < 300; i++) {
      RegionFailoverStatus status = watch.status();
      if (expected.test(status)) {
        return status;
      }
      temporal.env.sleep(Duration.ofSeconds(1));
    }
    return watch.status();
  }

  @Test
  void anUnhealthyRegionIsFailedOverInRoute53AndFailedBackAfterRecoveryAndApproval() throws Exception {
    RegionFailoverWorkflow watch = watch("us-west-2");
    RegionFailoverStatus healthy = afterNextPoll(watch, s -> s.healthy() != null);
    assertThat(healthy.state()).isEqualTo(FailoverState.WATCHING);
    assertThat(world.weights(zone)).containsEntry("us-west-2", 20L);

    world.setAlarm("us-west-2", "ALARM");
    RegionFailoverStatus failedOver = afterNextPoll(watch, s -> s.state() == FailoverState.FAILED_OVER);

    assertThat(failedOver.state()).isEqualTo(FailoverState.FAILED_OVER);
    assertThat(failedOver.failedOverBecause()).contains("alarm hello-5xx-us-west-2 is ALARM");
    Map<String, Long> drained = world.weights(zone);
    assertThat(drained).containsEntry("us-west-2", 0L);
    assertThat(drained.get("us-east-1")).isGreaterThan(40L);
    assertThat(drained.get("eu-west-1")).isGreaterThan(20L);
    assertThat(drained.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(100L);

    // Not yet: the region is still in ALARM, and only named approvers may approve.
    assertThatThrownBy(() -> watch.submitFailbackApproval(new FailbackApproval("carol", "looks fine")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("has not recovered yet");

    world.setAlarm("us-west-2", "OK");
    RegionFailoverStatus recovered = afterNextPoll(watch, s -> Boolean.TRUE.equals(s.healthy()));
    assertThat(recovered.state()).as("recovery alone does not bring traffic back")
        .isEqualTo(FailoverState.FAILED_OVER);
    assertThat(recovered.waitingFor()).contains("gantry region failback hello-service production us-west-2");
    assertThat(world.weights(zone)).containsEntry("us-west-2", 0L);
    assertThatThrownBy(() -> watch.submitFailbackApproval(new FailbackApproval("mallory", "me")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("mallory may not approve a failback here");

    FailoverDecision failedBack = watch.submitFailbackApproval(new FailbackApproval("carol", "5xx back to 0"));

    assertThat(failedBack.state()).isEqualTo(FailoverState.WATCHING);
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 40L), Map.entry("us-west-2", 20L),
        Map.entry("eu-west-1", 20L), Map.entry("ap-southeast-1", 20L));
    String audit = Files.readString(temporal.auditLog);
    assertThat(audit).contains("\"outcome\":\"failed-over\"", "\"outcome\":\"failed-back\"", "\"actor\":\"carol\"");
  }

  @Test
  void anOperatorCanFailARegionOverByHandAndTheTrafficStaysAwayUntilApproved() {
    RegionFailoverWorkflow watch = watch("eu-west-1");
    afterNextPoll(watch, s -> s.healthy() != null);

    FailoverDecision decision = watch.submitFailover(new FailoverCommand("dana", "planned maintenance"));

    assertThat(decision.state()).isEqualTo(FailoverState.FAILED_OVER);
    assertThat(world.weights(zone)).containsEntry("eu-west-1", 0L);
    assertThatThrownBy(() -> watch.submitFailover(new FailoverCommand("dana", "again")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("already failed over");
    RegionFailoverStatus status = afterNextPoll(watch, s -> Boolean.TRUE.equals(s.healthy()));
    assertThat(status.state()).isEqualTo(FailoverState.FAILED_OVER);
    assertThat(world.weights(zone)).containsEntry("eu-west-1", 0L);
  }

  @Test
  void whenNoOtherRegionIsHealthyTheTrafficStaysWhereItIs() {
    REGIONS.forEach(region -> world.setAlarm(region, "ALARM"));
    RegionFailoverWorkflow watch = watch("us-west-2");

    RegionFailoverStatus status = afterNextPoll(watch, s -> s.healthy() != null
        && s.log().stream().anyMatch(line -> line.contains("cannot fail over")));

    assertThat(status.state()).isEqualTo(FailoverState.WATCHING);
    assertThat(status.log()).anyMatch(line -> line.contains("no other region is healthy"));
    assertThat(world.weights(zone)).containsEntry("us-west-2", 20L);
  }
}
