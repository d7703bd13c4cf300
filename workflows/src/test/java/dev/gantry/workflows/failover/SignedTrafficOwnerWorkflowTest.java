package dev.gantry.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import dev.gantry.workflows.api.audit.AuditEvent;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import dev.gantry.workflows.rollback.ActorTokenSpentWorkflowImpl;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeRegionTraffic;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.OwnersInPolicy;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.client.UpdateOptions;
import io.temporal.client.WithStartWorkflowOperation;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.client.WorkflowUpdateStage;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where production requires signed actors, a typed name moves no traffic: drains and failback approvals to its
 * traffic owner need a one-time token of one of production's approvers (release-managers, or the emergency
 * group), bound to the owner, the environment, the action and the region. The Temporal UI's signals get the same
 * rules; a refused one is audited and changes nothing.
 */
class SignedTrafficOwnerWorkflowTest {
  static final int POLL = 30;
  static final TrafficOwnerRequest REQUEST = new TrafficOwnerRequest("hello-service", "production",
      FakeRegionTraffic.REGIONS, FakeRegionTraffic.target(), null, POLL, List.of(), null);
  static final String ID = ReleaseIds.traffic("hello-service", "api.hello.example.com");
  static final ApprovalPolicy SIGNED = new ApprovalPolicy(true, List.of(), 1, 72, List.of("release-managers"), null,
      null, null, true, null);
  static final ActorKeys ALICE = ActorKeys.generate();
  static final ActorKeys DAN = ActorKeys.generate();
  static final Map<String, Integer> ALL_SERVING = Map.of("us-east-1", 40, "us-west-2", 20, "eu-west-1", 20,
      "ap-southeast-1", 20);
  static final AtomicInteger IDS = new AtomicInteger();

  TestWorkflowEnvironment env;
  FakeRegionTraffic route53;
  FakeAudit audit;
  TrafficOwnerWorkflow owner;

  /** A destroy of production at the stage {@link #stage} says (the real one's approvals are its own tests'). */
  public static class Destroy implements dev.gantry.workflows.environment.EnvironmentDecommissionWorkflow {
    static volatile String stage;
    static volatile boolean done;

    @Override
    public dev.gantry.workflows.api.environment.DecommissionResult destroy(
        dev.gantry.workflows.api.environment.DecommissionRequest request) {
      io.temporal.workflow.Workflow.await(() -> done);
      return null;
    }

    @Override
    public dev.gantry.workflows.api.approval.GateDecision approve(
        dev.gantry.workflows.api.environment.DestroyApproval approval) {
      return null;
    }

    @Override
    public void validateApproval(dev.gantry.workflows.api.environment.DestroyApproval approval) {}

    @Override
    public String stage() {
      return stage;
    }
  }

  /** The policy's approvers directory: alice manages releases, dan develops. */
  static class Directory implements ApproverDirectoryActivities {
    @Override
    public ApproverDirectory load(DirectoryRequest request) {
      return new ApproverDirectory(request.source(), Map.of(
          "alice", new Approver("alice", List.of("release-managers"), ALICE.publicKeyPem()),
          "dan", new Approver("dan", List.of("developers"), DAN.publicKeyPem())));
    }
  }

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    route53 = new FakeRegionTraffic();
    audit = new FakeAudit();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(TrafficOwnerWorkflowImpl.class, ActorTokenSpentWorkflowImpl.class,
        Destroy.class);
    worker.registerActivitiesImplementations(route53, audit, new Directory(),
        new OwnersInPolicy().define(REQUEST, SIGNED, "/etc/gantry/approvers.yaml"),
        new dev.gantry.workflows.support.FakeEnvironments().lookUpDestroysWith(env.getWorkflowClient()));
    env.start();
    owner = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(TaskQueues.RELEASE).build());
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void onlyAnApproversSignedOneTimeTokenDrainsOrFailsBackARegion() {
    WorkflowClient.start(owner::own, REQUEST);
    afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));
    Map<String, Integer> before = route53.weights();

    // a typed name, a developer's own token, a token for another region: refused at once, nothing moves
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("us-west-2", "alice", "bad host")))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("field 'token' is missing");
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("us-west-2", "dan", "bad host",
        token(DAN, ActorTokens.DRAIN, "us-west-2", "dan"))))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("dan may not drain in production");
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("us-west-2", "alice", "bad host",
        token(ALICE, ActorTokens.DRAIN, "eu-west-1", "alice"))))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("the token is for 'eu-west-1'");
    assertThat(route53.weights()).isEqualTo(before);
    assertThat(state(owner.status(), "us-west-2")).isEqualTo(RegionTrafficState.SERVING);

    // alice's own token for this drain: drained, and the trail names the key that signed it
    String drainToken = token(ALICE, ActorTokens.DRAIN, "us-west-2", "alice");
    TrafficDecision drained = owner.drain(new TrafficCommand("us-west-2", "alice", "bad host", drainToken));
    assertThat(drained.state()).isEqualTo(RegionTrafficState.DRAINED);
    assertThat(route53.weights()).containsEntry("us-west-2", 0);
    assertThat(audit.events).anyMatch(e -> "drain-signed".equals(e.outcome())
        && e.detail().contains("key " + ALICE.thumbprint()));

    // from the Temporal UI: an unsigned failback approval is refused and audited; the region stays out
    owner.approveFailback(new TrafficFailback("us-west-2", "alice", "host replaced"));
    afterNextRound(s -> true);
    assertThat(state(owner.status(), "us-west-2")).isEqualTo(RegionTrafficState.DRAINED);
    assertThat(audit.events).anyMatch(e -> "failback-refused".equals(e.outcome())
        && e.detail().contains("field 'token' is missing"));
    assertThat(owner.status().log()).anyMatch(line -> line.contains("failback approval refused"));

    // alice's signed failback brings it back
    TrafficDecision back = owner.submitFailbackApproval(new TrafficFailback("us-west-2", "alice", "host replaced",
        token(ALICE, ActorTokens.FAILBACK, "us-west-2", "alice")));
    assertThat(back.state()).isEqualTo(RegionTrafficState.SERVING);
    assertThat(route53.weights()).isEqualTo(ALL_SERVING);

    // the drain's token again (still within its lifetime): spent, so refused, and nothing moves
    assertThatThrownBy(() -> owner.drain(new TrafficCommand("us-west-2", "alice", "again", drainToken)))
        .isInstanceOf(WorkflowUpdateException.class).hasStackTraceContaining("already used");
    assertThat(route53.weights()).isEqualTo(ALL_SERVING);
    assertThat(audit.events).anyMatch(e -> "drain-refused".equals(e.outcome()) && e.detail().contains("already used"));

    owner.stop(new TrafficCommand(null, "alice", "done", token(ALICE, ActorTokens.STOP, null, "alice")));
    WorkflowStub.fromTyped(owner).getResult(TrafficOwnerStatus.class);
    Histories.record(env.getWorkflowClient(), ID, "traffic-hello-service-signed-actors");
  }

  /**
   * Stopping the owner ends automatic failover: in a signed environment a typed name, a name that claims to be the
   * destroy while no approved destroy runs, or a developer's token does not; an approver's stop token does.
   */
  @Test
  void aSignedEnvironmentsOwnerStopsOnlyForAnApproversStopTokenOrItsApprovedDestroy() {
    WorkflowClient.start(owner::own, REQUEST);
    afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));

    owner.stop(new TrafficCommand(null, "alice", "maintenance"));
    owner.stop(new TrafficCommand(null, TrafficOwnerWorkflow.DESTROY_SENDER, "environment production is being"
        + " destroyed"));
    owner.stop(new TrafficCommand(null, "dan", "maintenance", token(DAN, ActorTokens.STOP, null, "dan")));
    owner.stop(new TrafficCommand(null, "alice", "maintenance", token(ALICE, ActorTokens.DRAIN, "us-west-2",
        "alice")));
    TrafficOwnerStatus running = afterNextRound(s -> true);
    assertThat(running.stopped()).as("still owning the traffic").isFalse();
    // each handler runs on its own (the destroy's check asks Temporal): refusals in any order
    assertThat(audit.events).filteredOn(e -> "stop-refused".equals(e.outcome())).extracting(AuditEvent::detail)
        .hasSize(4)
        .anySatisfy(typed -> assertThat(typed).contains("field 'token' is missing"))
        .anySatisfy(destroy -> assertThat(destroy).contains("no approved destroy of production runs",
            "env-destroy/hello-service/production"))
        .anySatisfy(developer -> assertThat(developer).contains("dan may not stop in production"))
        .anySatisfy(otherAction -> assertThat(otherAction).contains("the token is for action 'drain', not 'stop'"));

    owner.stop(new TrafficCommand(null, "alice", "moving to the new zone", token(ALICE, ActorTokens.STOP, null,
        "alice")));
    TrafficOwnerStatus stopped = WorkflowStub.fromTyped(owner).getResult(TrafficOwnerStatus.class);
    assertThat(stopped.stopped()).isTrue();
    assertThat(audit.events).anyMatch(e -> "stop-signed".equals(e.outcome())
        && e.detail().contains("key " + ALICE.thumbprint()));
    Histories.record(env.getWorkflowClient(), ID, "traffic-hello-service-signed-stop");
  }

  /** The destroy's own stop (named {@code gantry}, no token) stops the owner only once that destroy is approved. */
  @Test
  void theStopOfAnApprovedDestroyOfTheEnvironmentStopsTheOwner() {
    WorkflowClient.start(owner::own, REQUEST);
    afterNextRound(s -> s.regions().stream().allMatch(r -> r.healthy() != null));
    Destroy.stage = "waiting for approval (0 of 1) by release-managers";
    Destroy.done = false;
    WorkflowClient.start(env.getWorkflowClient().newWorkflowStub(
        dev.gantry.workflows.environment.EnvironmentDecommissionWorkflow.class, WorkflowOptions.newBuilder()
            .setWorkflowId(ReleaseIds.destroy("hello-service", "production")).setTaskQueue(TaskQueues.RELEASE)
            .build())::destroy, null);

    // a token of no token's shape or size is refused before anything reads it, as for drains
    owner.stop(new TrafficCommand(null, "alice", "maintenance", "x".repeat(10_000)));
    afterNextRound(s -> true);
    assertThat(audit.events).anyMatch(e -> "stop-refused".equals(e.outcome())
        && e.detail().startsWith("stop message refused") && e.detail().contains("token"));

    TrafficCommand fromTheDestroy = new TrafficCommand(null, TrafficOwnerWorkflow.DESTROY_SENDER,
        "environment production is being destroyed");
    owner.stop(fromTheDestroy);
    assertThat(afterNextRound(s -> true).stopped()).as("a destroy still waiting for its approvers").isFalse();

    Destroy.stage = dev.gantry.workflows.environment.EnvironmentDecommissionWorkflow.STOPPING_TRAFFIC_OWNER;
    owner.stop(fromTheDestroy);
    assertThat(WorkflowStub.fromTyped(owner).getResult(TrafficOwnerStatus.class).stopped()).isTrue();
    assertThat(audit.events).extracting(AuditEvent::outcome).containsSubsequence("stop-refused", "stopped");
    Destroy.done = true;
  }

  /**
   * A drain sent with the owner's start (update-with-start, as `gantry region drain` does) arrives before the
   * owner has read its policy: it waits for it and is judged by it, so an unsigned one is refused.
   */
  @Test
  void aDrainSentWithTheStartIsJudgedByThePolicyTheOwnerReadsFirst() {
    TrafficOwnerWorkflow starter = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(TaskQueues.RELEASE)
            .setWorkflowIdConflictPolicy(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING).build());
    assertThatThrownBy(() -> WorkflowClient.executeUpdateWithStart(starter::drain,
        new TrafficCommand("us-west-2", "alice", "bad host"), updateOptions(),
        new WithStartWorkflowOperation<>(starter::own, REQUEST)))
        .hasStackTraceContaining("field 'token' is missing");
    assertThat(audit.events).extracting(AuditEvent::outcome).contains("drain-refused").doesNotContain("drained");

    TrafficOwnerWorkflow again = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class, ID);
    TrafficDecision drained = again.drain(new TrafficCommand("us-west-2", "alice", "bad host",
        token(ALICE, ActorTokens.DRAIN, "us-west-2", "alice")));
    assertThat(drained.state()).isEqualTo(RegionTrafficState.DRAINED);
    assertThat(route53.writes).allMatch(weights -> weights.get("us-west-2") == 0);
  }

  private static UpdateOptions<TrafficDecision> updateOptions() {
    return UpdateOptions.<TrafficDecision>newBuilder().setWaitForStage(WorkflowUpdateStage.COMPLETED).build();
  }

  private String token(ActorKeys keys, String action, String region, String who) {
    return keys.token(ID, "production", ActorTokens.NO_ARTIFACT, action, region, who,
        env.currentTimeMillis() / 1000, 600, "traffic-" + IDS.incrementAndGet());
  }

  private TrafficOwnerStatus afterNextRound(Predicate<TrafficOwnerStatus> expected) {
    return TrafficOwnerWorkflowTest.afterNextRound(env, owner, expected);
  }

  private static RegionTrafficState state(TrafficOwnerStatus status, String region) {
    return TrafficOwnerWorkflowTest.state(status, region);
  }
}
