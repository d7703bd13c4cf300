package dev.gantry.activities.aws;

import static dev.gantry.activities.aws.MotoWorld.REGIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.MotoServer;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionTraffic;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import dev.gantry.workflows.failover.RegionFailoverWorkflow;
import dev.gantry.workflows.failover.TrafficOwnerWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
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
 * The traffic owner on moto: real workflow, real activities, alarms set with CloudWatch SetAlarmState, the
 * weights read back from Route 53 in moto. The finding (one region drained by hand, alarms in three
 * more at once) ends at the rules, never at a map one watch read earlier.
 */
class AwsTrafficOwnerTest {
  static final int POLL_SECONDS = 30;
  static final String OWNER_ID = ReleaseIds.traffic("hello-service", MotoWorld.RECORD);
  @RegisterExtension static final MotoServer moto = MotoServer.perClass();
  MotoWorld world;
  TemporalWithMoto temporal;
  DeployTarget target;
  String zone;
  TrafficOwnerWorkflow owner;
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

  TrafficOwnerWorkflow own() {
    owner = temporal.env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(OWNER_ID).setTaskQueue(TaskQueues.RELEASE).build());
    TrafficOwnerRequest request = new TrafficOwnerRequest("hello-service", "production", REGIONS, target, null,
        POLL_SECONDS, List.of("carol", "erin"), null);
    temporal.owners.define(request);
    WorkflowClient.start(owner::own, request);
    return owner;
  }

  /** Lets workflow time pass one round, then waits (bounded) until the status says what we expect. */
  TrafficOwnerStatus afterNextRound(Predicate<TrafficOwnerStatus> expected) {
    temporal.env.sleep(Duration.ofSeconds(POLL_SECONDS + 1));
    for (int i = 0; i < 300; i++) {
      TrafficOwnerStatus status = owner.status();
      if (expected.test(status)) {
        return status;
      }
      temporal.env.sleep(Duration.ofSeconds(1));
    }
    return owner.status();
  }

  static RegionTraffic region(TrafficOwnerStatus status, String region) {
    return status.regions().stream().filter(r -> r.region().equals(region)).findFirst().orElseThrow();
  }

  static Predicate<TrafficOwnerStatus> allRead() {
    return s -> s.regions().stream().allMatch(r -> r.healthy() != null) && !s.weights().isEmpty();
  }

  @Test
  void aManualDrainAndThreeAlarmsAtOnceEndAtTheRulesInRoute53() throws Exception {
    own();
    afterNextRound(allRead());

    TrafficDecision drained = owner.drain(new TrafficCommand("us-west-2", "dana", "INC-4711 bad host"));

    assertThat(drained.state()).isEqualTo(RegionTrafficState.DRAINED);
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 50L), Map.entry("us-west-2", 0L),
        Map.entry("eu-west-1", 25L), Map.entry("ap-southeast-1", 25L));

    // three alarms in the same minute
    world.setAlarm("us-east-1", "ALARM");
    world.setAlarm("eu-west-1", "ALARM");
    world.setAlarm("ap-southeast-1", "ALARM");
    TrafficOwnerStatus none = afterNextRound(s -> s.failClosed() != null);

    assertThat(none.failClosed()).contains("NO REGION CAN TAKE TRAFFIC", "keeping the last weights");
    assertThat(none.regions()).extracting(RegionTraffic::state).containsExactly(RegionTrafficState.FAILED_OVER,
        RegionTrafficState.DRAINED, RegionTrafficState.FAILED_OVER, RegionTrafficState.FAILED_OVER);
    // fail closed: the last weights stay; never all zero, never the drained region back
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 50L), Map.entry("us-west-2", 0L),
        Map.entry("eu-west-1", 25L), Map.entry("ap-southeast-1", 25L));

    // eu-west-1 recovers and is approved back: it takes everything; the drained us-west-2 (healthy) stays 0
    world.setAlarm("eu-west-1", "OK");
    afterNextRound(s -> Boolean.TRUE.equals(region(s, "eu-west-1").healthy()));
    assertThatThrownBy(() -> owner.submitFailbackApproval(new TrafficFailback("ap-southeast-1", "carol", "?")))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("has not recovered yet");
    TrafficDecision back = owner.submitFailbackApproval(new TrafficFailback("eu-west-1", "carol", "5xx gone"));

    assertThat(back.state()).isEqualTo(RegionTrafficState.SERVING);
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 0L), Map.entry("us-west-2", 0L),
        Map.entry("eu-west-1", 100L), Map.entry("ap-southeast-1", 0L));
    TrafficOwnerStatus after = afterNextRound(s -> s.failClosed() == null);
    assertThat(region(after, "us-west-2").state()).isEqualTo(RegionTrafficState.DRAINED);
    assertThat(region(after, "us-west-2").healthy()).isTrue();
    assertThat(world.weights(zone)).containsEntry("us-west-2", 0L).containsEntry("eu-west-1", 100L);
    String audit = Files.readString(temporal.auditLog);
    assertThat(audit).contains("\"outcome\":\"drained\"", "\"outcome\":\"failed-over\"",
        "\"outcome\":\"fail-closed\"", "\"outcome\":\"failed-back\"", "\"actor\":\"carol\"", "\"actor\":\"dana\"");
  }

  @Test
  void aWriterBehindTheOwnersBackMakesTheCompareAndSetRefuseAndTheOwnerRetriesFromWhatRoute53Holds() {
    own();
    afterNextRound(allRead());
    // someone else writes the whole map, as the old per-region watches did
    new TrafficRouter(world.clients).apply(target.aws(), Map.of("us-east-1", 50, "us-west-2", 50,
        "eu-west-1", 0, "ap-southeast-1", 0));
    world.setAlarm("eu-west-1", "ALARM");

    TrafficOwnerStatus status = afterNextRound(s -> region(s, "eu-west-1").state() == RegionTrafficState.FAILED_OVER
        && s.weights().get("eu-west-1") == 0 && s.weights().get("us-west-2") == 25);

    assertThat(status.conflicts()).isGreaterThanOrEqualTo(1);
    assertThat(status.log()).anyMatch(line -> line.contains("compare-and-set refused (attempt 1)")
        && line.contains("Route 53 holds {us-east-1=50, us-west-2=50, eu-west-1=0, ap-southeast-1=0}"));
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 50L), Map.entry("us-west-2", 25L),
        Map.entry("eu-west-1", 0L), Map.entry("ap-southeast-1", 25L));
  }

  @Test
  void anUnhealthyRegionGetsItsTrafficBackOnlyAfterRecoveryAndANamedApproval() throws Exception {
    own();
    afterNextRound(allRead());
    world.setAlarm("us-west-2", "ALARM");
    TrafficOwnerStatus failedOver = afterNextRound(s -> region(s, "us-west-2").state() == RegionTrafficState.FAILED_OVER);
    assertThat(region(failedOver, "us-west-2").because()).contains("alarm hello-5xx-us-west-2 is ALARM");
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 50L), Map.entry("us-west-2", 0L),
        Map.entry("eu-west-1", 25L), Map.entry("ap-southeast-1", 25L));

    world.setAlarm("us-west-2", "OK");
    TrafficOwnerStatus recovered = afterNextRound(s -> Boolean.TRUE.equals(region(s, "us-west-2").healthy()));
    assertThat(region(recovered, "us-west-2").state()).as("recovery alone does not bring traffic back")
        .isEqualTo(RegionTrafficState.FAILED_OVER);
    assertThat(region(recovered, "us-west-2").waitingFor())
        .contains("gantry region failback hello-service production us-west-2");
    assertThat(world.weights(zone)).containsEntry("us-west-2", 0L);
    assertThatThrownBy(() -> owner.submitFailbackApproval(new TrafficFailback("us-west-2", "mallory", "me")))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("mallory may not approve a failback");

    TrafficDecision back = owner.submitFailbackApproval(new TrafficFailback("us-west-2", "carol", "5xx at 0"));

    assertThat(back.state()).isEqualTo(RegionTrafficState.SERVING);
    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 40L), Map.entry("us-west-2", 20L),
        Map.entry("eu-west-1", 20L), Map.entry("ap-southeast-1", 20L));
  }

  @Test
  void aPerRegionWatchStartedByAnOldClientHandsOverToTheOwner() {
    RegionFailoverWorkflow watch = temporal.env.getWorkflowClient().newWorkflowStub(RegionFailoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ReleaseIds.failover("hello-service", "production", "us-west-2"))
            .setTaskQueue(TaskQueues.RELEASE).build());
    temporal.owners.define(new TrafficOwnerRequest("hello-service", "production", REGIONS, target, null,
        POLL_SECONDS, List.of("carol"), null));
    WorkflowClient.start(watch::watch, new RegionFailoverRequest("hello-service", "production", "us-west-2",
        REGIONS, target, null, POLL_SECONDS, List.of("carol"), null));
    WorkflowStub.fromTyped(watch).getResult(Object.class);
    owner = temporal.env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class, OWNER_ID);
    world.setAlarm("ap-southeast-1", "ALARM");

    afterNextRound(s -> region(s, "ap-southeast-1").state() == RegionTrafficState.FAILED_OVER
        && s.weights().get("ap-southeast-1") == 0);

    assertThat(world.weights(zone)).containsOnly(Map.entry("us-east-1", 50L), Map.entry("us-west-2", 25L),
        Map.entry("eu-west-1", 25L), Map.entry("ap-southeast-1", 0L));
  }
}
