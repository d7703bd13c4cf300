package dev.gantry.starter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.failover.TrafficOwnerWorkflowImpl;
import dev.gantry.workflows.rollback.ActorTokenSpentWorkflowImpl;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.OwnersInPolicy;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In an environment with signed actors the CLI's client signs a drain and a failback with the operator's own key
 * (profile signingKey), and the owner acts on them; the same commands without a key are refused and move nothing.
 */
class SignedRegionFailoversTest {
  static final ActorKeys ALICE = ActorKeys.generate();
  @TempDir Path dir;
  TestWorkflowEnvironment env;
  RegionFailoversTest.Weights route53;
  EnvironmentPlan production;

  @BeforeEach
  void start() {
    production = new ReleaseSpecLoader().loadEnvironment(Path.of("../examples/aws/release.yaml"), "production");
    route53 = new RegionFailoversTest.Weights();
    env = TestWorkflowEnvironment.newInstance();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(TrafficOwnerWorkflowImpl.class, ActorTokenSpentWorkflowImpl.class);
    ApprovalPolicy signed = new ApprovalPolicy(true, List.of(), 1, 72, List.of("release-managers"), null, null, null,
        true, null);
    ApproverDirectoryActivities directory = request -> new ApproverDirectory(request.source(),
        Map.of("alice", new Approver("alice", List.of("release-managers"), ALICE.publicKeyPem())));
    worker.registerActivitiesImplementations(route53, directory, new OwnersInPolicy().define(
        TrafficOwnerRequest.forEnvironment("hello-service", production, 30, null), signed, "approvers.yaml"),
        new dev.gantry.workflows.support.FakeAudit());
    env.start();
  }

  @AfterEach
  void close() {
    env.close();
  }

  @Test
  void theClientSignsDrainAndFailbackWithTheOperatorsKeyAndUnsignedOnesAreRefused() throws Exception {
    String region = production.regions().get(1);
    RegionFailovers unsigned = new RegionFailovers(env.getWorkflowClient());
    assertThatThrownBy(() -> unsigned.drain("hello-service", production, region, "alice", "maintenance", 30))
        .isInstanceOf(GantryException.class).hasMessageContaining("the drain was refused")
        .hasMessageContaining("field 'token' is missing");
    assertThat(route53.weights).doesNotContainEntry(region, 0);

    Path key = Files.writeString(dir.resolve("alice.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(ALICE.pair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    RegionFailovers signed = new RegionFailovers(env.getWorkflowClient(), ActorSigner.fromPem(key));

    assertThat(signed.drain("hello-service", production, region, "alice", "maintenance", 30).state())
        .isEqualTo(RegionTrafficState.DRAINED);
    assertThat(route53.weights).containsEntry(region, 0);
    assertThatThrownBy(() -> unsigned.failback("hello-service", production, region, "alice", "done"))
        .isInstanceOf(GantryException.class).hasMessageContaining("field 'token' is missing");
    assertThat(signed.failback("hello-service", production, region, "alice", "done").state())
        .isEqualTo(RegionTrafficState.SERVING);
    assertThat(route53.weights.get(region)).isPositive();
  }
}
