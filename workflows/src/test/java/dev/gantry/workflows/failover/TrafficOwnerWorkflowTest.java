package dev.gantry.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
import dev.gantry.workflows.api.traffic.FailoverState;
import dev.gantry.workflows.api.traffic.RegionTraffic;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.OwnersInPolicy;
import dev.gantry.workflows.support.FakeRegionTraffic;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The traffic owner's rules, on the test server with time skipping and an in-memory Route 53. */
class TrafficOwnerWorkflowTest {
  static final int POLL = 30;
  /** The owner of production, as the platform policy defines it. */
  static final TrafficOwnerRequest REQUEST = new TrafficOwnerRequest("hello-service", "production",
      FakeRegionTraffic.REGIONS, FakeRegionTraffic.target(), null, POLL, List.of("carol"), null);
  static final String ID = ReleaseIds.traffic("hello-service", "api.hello.example.com");
  TestWorkflowEnvironment env;
  FakeRegionTraffic route53;
  FakeAudit audit;
  TrafficOwnerWorkflow owner;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    route53 = new FakeRegionTraffic();
    audit = new FakeAudit();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(TrafficOwnerWorkflowImpl.class, RegionFailoverWorkflowImpl.class);
    worker.registerActivitiesImplementations(route53, audit, new OwnersInPolicy().define(REQUEST));
    env.start();
  }

  @AfterEach
  void close() {
    env.close();
  }

  TrafficOwnerWorkflow own() {
    owner = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(owner::own, REQUEST);
    return owner;
  }

  TrafficOwnerStatus afterNextRound(Predicate<TrafficOwnerStatus> expected) {
    return afterNextRound(env, owner, expected);
  }

  /** The owner's status once a round has passed and {@code expected} holds (or after 200 more seconds). */
  static TrafficOwnerStatus afterNextRound(TestWorkflowEnvironment env, TrafficOwnerWorkflow owner,
      Predicate<TrafficOwnerStatus> expected) {
    env.sleep(Duration.ofSeconds(POLL + 1));
    for (int i = 0; i < 200; i++) {
      TrafficOwnerStatus status = owner.status();
      if (expected.test(status)) {
        return status;
      }
      env.sleep(Duration.ofSeconds(1));
    }
    return owner.status();
  }

  static RegionTrafficState state(TrafficOwnerStatus status, String region) {
    return status.regions().stream().filter(r -> r.region().equals(region)).map(RegionTraffic::state)
        .findFirst().orElseThrow();
  }

  @Test
  void aDrainAndThreeAlarmsAtOnceEndAtTheRulesAndTheDrainedRegionNeverGetsTrafficWithoutApproval() {
    own();
    afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));

    TrafficDecision drained = owner.drain(new TrafficCommand("us-west-2", "dana", "INC-1 bad deploy host"));

    assertThat(drained.state()).isEqualTo(RegionTrafficState.DRAINED);
    assertThat(route53.weights()).containsExactly(Map.entry("us-east-1", 50), Map.entry("us-west-2", 0),
        Map.entry("eu-west-1", 25), Map.entry("ap-southeast-1", 25));

    // the drained region recovers on its own, two others raise alarms in the same minute
    route53.healthy.put("eu-west-1", false);
    route53.healthy.put("ap-southeast-1", false);
    TrafficOwnerStatus two = afterNextRound(s -> state(s, "ap-southeast-1") == RegionTrafficState.FAILED_OVER
        && state(s, "eu-west-1") == RegionTrafficState.FAILED_OVER);
    assertThat(two.weights()).containsExactly(Map.entry("us-east-1", 100), Map.entry("us-west-2", 0),
        Map.entry("eu-west-1", 0), Map.entry("ap-southeast-1", 0));
    assertThat(route53.weights()).isEqualTo(two.weights());

    // the third alarm: nobody can serve; the owner keeps the last weights and says so
    route53.healthy.put("us-east-1", false);
    TrafficOwnerStatus none = afterNextRound(s -> s.failClosed() != null);
    assertThat(none.failClosed()).contains("NO REGION CAN TAKE TRAFFIC", "us-west-2 drained",
        "us-east-1 failed over", "keeping the last weights");
    assertThat(route53.weights()).containsEntry("us-east-1", 100).containsEntry("us-west-2", 0);
    assertThat(audit.events).anyMatch(e -> "fail-closed".equals(e.outcome()));

    // eu-west-1 recovers: still out until a failback is approved; then it takes everything
    route53.healthy.put("eu-west-1", true);
    afterNextRound(s -> Boolean.TRUE.equals(s.regions().get(2).healthy()));
    assertThat(state(owner.status(), "eu-west-1")).isEqualTo(RegionTrafficState.FAILED_OVER);
    TrafficDecision back = owner.submitFailbackApproval(new TrafficFailback("eu-west-1", "carol", "5xx gone"));
    assertThat(back.state()).isEqualTo(RegionTrafficState.SERVING);
    assertThat(route53.weights()).containsExactly(Map.entry("us-east-1", 0), Map.entry("us-west-2", 0),
        Map.entry("eu-west-1", 100), Map.entry("ap-southeast-1", 0));
    assertThat(owner.status().failClosed()).isNull();

    // us-east-1 recovers and is approved back; the drained us-west-2, healthy all along, stays at 0
    route53.healthy.put("us-east-1", true);
    afterNextRound(s -> Boolean.TRUE.equals(s.regions().get(0).healthy()));
    owner.submitFailbackApproval(new TrafficFailback("us-east-1", "carol", null));
    assertThat(route53.weights()).containsExactly(Map.entry("us-east-1", 67), Map.entry("us-west-2", 0),
        Map.entry("eu-west-1", 33), Map.entry("ap-southeast-1", 0));
    assertThat(route53.writes).allMatch(w -> w.get("us-west-2") == 0);
    assertThat(state(owner.status(), "us-west-2")).isEqualTo(RegionTrafficState.DRAINED);

    owner.submitFailbackApproval(new TrafficFailback("us-west-2", "carol", "host replaced"));
    assertThat(route53.weights()).containsExactly(Map.entry("us-east-1", 50), Map.entry("us-west-2", 25),
        Map.entry("eu-west-1", 25), Map.entry("ap-southeast-1", 0));
    assertThat(audit.events).extracting(e -> e.outcome()).contains("drained", "failed-over", "fail-closed",
        "failback-approved", "failed-back");
  }

  /**
   * Whoever starts an owner names only the application and the environment: regions, target, health check and
   * failback approvers come from the worker's policy. A start that claims other approvers (mallory) and other
   * regions gets policy's (carol, the four regions); an owner under another DNS name's id, or for an environment
   * policy does not have, is refused before it reads or writes anything.
   */
  @Test
  void theOwnerTakesItsEnvironmentFromPolicyNotFromWhoeverStartedIt() {
    owner = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(owner::own, new TrafficOwnerRequest("hello-service", "production", List.of("us-east-1"),
        FakeRegionTraffic.target(), null, POLL, List.of("mallory"), null));
    TrafficOwnerStatus first = afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));
    assertThat(first.regions()).extracting(RegionTraffic::region).containsExactlyElementsOf(FakeRegionTraffic.REGIONS);

    owner.drain(new TrafficCommand("us-west-2", "dana", "maintenance"));
    assertThatThrownBy(() -> owner.submitFailbackApproval(new TrafficFailback("us-west-2", "mallory", "mine now")))
        .isInstanceOf(WorkflowUpdateException.class);
    owner.stop(new TrafficCommand(null, "dana", "done"));
    WorkflowStub.fromTyped(owner).getResult(TrafficOwnerStatus.class);
    Histories.record(env.getWorkflowClient(), ID, "traffic-hello-service-from-policy");

    TrafficOwnerWorkflow elsewhere = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ReleaseIds.traffic("hello-service", "evil.example.com"))
            .setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(elsewhere::own, REQUEST);
    assertThatThrownBy(() -> WorkflowStub.fromTyped(elsewhere).getResult(TrafficOwnerStatus.class))
        .rootCause().hasMessageContaining("refused: this owner's id 'traffic/hello-service/evil.example.com' is not "
            + ID + ", the owner of hello-service/production in the platform policy");

    TrafficOwnerWorkflow unknown = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ReleaseIds.traffic("shop", "api.hello.example.com"))
            .setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(unknown::own, new TrafficOwnerRequest("shop", "production", FakeRegionTraffic.REGIONS,
        FakeRegionTraffic.target(), null, POLL, List.of("mallory"), null));
    assertThatThrownBy(() -> WorkflowStub.fromTyped(unknown).getResult(TrafficOwnerStatus.class))
        .rootCause().hasMessageContaining("refused: ").hasMessageContaining("shop has no environment production");
    assertThat(route53.weights()).containsEntry("us-west-2", 0);
  }

  @Test
  void aConcurrentWriterMakesTheCompareAndSetRefuseAndTheOwnerRetriesFromWhatRoute53Holds() {
    own();
    afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));
    // someone else (a person, an old watch) writes between the owner's last look and its next write
    route53.beforeNextCompare = () -> route53.externalWrite(Map.of("us-west-2", 50, "us-east-1", 50));
    route53.healthy.put("eu-west-1", false);

    TrafficOwnerStatus status = afterNextRound(s -> state(s, "eu-west-1") == RegionTrafficState.FAILED_OVER);

    assertThat(status.conflicts()).isEqualTo(1);
    assertThat(status.log()).anyMatch(line -> line.contains("compare-and-set refused (attempt 1)")
        && line.contains("Route 53 holds {us-east-1=50, us-west-2=50, eu-west-1=20, ap-southeast-1=20}"));
    assertThat(route53.weights()).containsExactly(Map.entry("us-east-1", 50), Map.entry("us-west-2", 25),
        Map.entry("eu-west-1", 0), Map.entry("ap-southeast-1", 25));
    assertThat(audit.events).anyMatch(e -> "traffic-conflict".equals(e.outcome()));
  }

  @Test
  void refusalsComeAtOnceAndChangeNothing() {
    own();
    afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("mars-1", "dana", "x")))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("is not one of");
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("us-west-2", "dana\nevil", "x")))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("say who you are");
    // a token is kept with the message even where the environment needs none: never an unbounded one
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("us-west-2", "dana", "x", "a".repeat(5000))))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("token");
    assertThatThrownBy(() -> owner.submitFailbackApproval(new TrafficFailback("us-west-2", "carol", null)))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("takes its share of traffic");
    owner.drain(new TrafficCommand("us-west-2", "dana", "maintenance"));
    owner.drain(new TrafficCommand("eu-west-1", "dana", "maintenance"));
    owner.drain(new TrafficCommand("ap-southeast-1", "dana", "maintenance"));
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("us-east-1", "dana", "maintenance")))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("would leave no region");
    assertThatThrownBy(() -> owner.submitFailbackApproval(new TrafficFailback("us-west-2", "mallory", null)))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("may not approve a failback here");
    route53.healthy.put("eu-west-1", false);
    afterNextRound(s -> Boolean.FALSE.equals(s.regions().get(2).healthy()));
    assertThatThrownBy(() -> owner.submitFailbackApproval(new TrafficFailback("eu-west-1", "carol", null)))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("has not recovered yet");
    assertThat(route53.weights()).containsExactly(Map.entry("us-east-1", 100), Map.entry("us-west-2", 0),
        Map.entry("eu-west-1", 0), Map.entry("ap-southeast-1", 0));
  }

  @Test
  void aPerRegionWatchFindingTheOwnerRunningEndsWithoutASecondOwner() {
    own();
    afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));
    RegionFailoverWorkflow watch = env.getWorkflowClient().newWorkflowStub(RegionFailoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ReleaseIds.failover("hello-service", "production", "eu-west-1"))
            .setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(watch::watch, new RegionFailoverRequest("hello-service", "production", "eu-west-1",
        FakeRegionTraffic.REGIONS, FakeRegionTraffic.target(), null, POLL, List.of("carol"), null));

    RegionFailoverStatus ended = WorkflowStub.fromTyped(watch).getResult(RegionFailoverStatus.class);

    assertThat(ended.state()).isEqualTo(FailoverState.STOPPED);
    assertThat(ended.log()).anyMatch(line -> line.contains("the traffic owner " + ID + " runs already"));
    assertThat(owner.status().stopped()).isFalse();
    route53.healthy.put("eu-west-1", false);
    assertThat(afterNextRound(s -> state(s, "eu-west-1") == RegionTrafficState.FAILED_OVER).weights())
        .containsEntry("eu-west-1", 0);
  }

  @Test
  void aPerRegionWatchStartedNowHandsOverToTheOwnerAndEnds() {
    RegionFailoverWorkflow watch = env.getWorkflowClient().newWorkflowStub(RegionFailoverWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ReleaseIds.failover("hello-service", "production", "us-west-2"))
            .setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(watch::watch, new RegionFailoverRequest("hello-service", "production", "us-west-2",
        FakeRegionTraffic.REGIONS, FakeRegionTraffic.target(), null, POLL, List.of("carol"), null));

    RegionFailoverStatus ended = WorkflowStub.fromTyped(watch).getResult(RegionFailoverStatus.class);

    assertThat(ended.state()).isEqualTo(FailoverState.STOPPED);
    assertThat(ended.log()).anyMatch(line -> line.contains("started the traffic owner " + ID));
    owner = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class, ID);
    route53.healthy.put("us-west-2", false);
    TrafficOwnerStatus status = afterNextRound(s -> state(s, "us-west-2") == RegionTrafficState.FAILED_OVER);
    assertThat(status.weights()).containsEntry("us-west-2", 0);
    assertThat(route53.weights()).containsEntry("us-west-2", 0).containsEntry("us-east-1", 50);
    Histories.record(env.getWorkflowClient(), ReleaseIds.failover("hello-service", "production", "us-west-2"),
        "failover-hello-service-production-us-west-2-hands-over");
    Histories.record(env.getWorkflowClient(), ID, "traffic-hello-service-started-by-a-watch");
  }
}
