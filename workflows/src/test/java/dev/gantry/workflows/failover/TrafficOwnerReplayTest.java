package dev.gantry.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeRegionTraffic;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A traffic owner's history (a drain, an alarm, a writer behind its back, a fail-closed round, failbacks, a
 * stop) replays against today's code. Record again only for a deliberate, versioned change:
 * {@code ./mvnw -o -q -pl workflows test -Dtest=TrafficOwnerReplayTest -Dgantry.recordHistories=true}.
 */
class TrafficOwnerReplayTest {
  static final String HISTORY = "histories/traffic-hello-service-api.hello.example.com.json";
  static final String ID = ReleaseIds.traffic("hello-service", "api.hello.example.com");

  @Test
  void theOwnersRecordedHistoryReplays() throws Exception {
    WorkflowExecutionHistory history = load();
    assertThat(history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowType()
        .getName()).isEqualTo("TrafficOwner");

    WorkflowReplayer.replayWorkflowExecution(history, TrafficOwnerWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = "gantry.recordHistories", matches = "true")
  void recordHistory() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      FakeRegionTraffic route53 = new FakeRegionTraffic();
      Worker worker = env.newWorker(TaskQueues.RELEASE);
      worker.registerWorkflowImplementationTypes(TrafficOwnerWorkflowImpl.class);
      worker.registerActivitiesImplementations(route53, new FakeAudit(),
          new dev.gantry.workflows.support.OwnersInPolicy().define(new TrafficOwnerRequest("hello-service",
              "production", FakeRegionTraffic.REGIONS, FakeRegionTraffic.target(), null, 30, List.of("carol"), null)));
      env.start();
      TrafficOwnerWorkflow owner = env.getWorkflowClient().newWorkflowStub(TrafficOwnerWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(TaskQueues.RELEASE).build());
      WorkflowClient.start(owner::own, new TrafficOwnerRequest("hello-service", "production",
          FakeRegionTraffic.REGIONS, FakeRegionTraffic.target(), null, 30, List.of("carol"), null));
      env.sleep(Duration.ofSeconds(31));
      owner.drain(new TrafficCommand("us-west-2", "dana", "bad host"));
      route53.beforeNextCompare = () -> route53.externalWrite(Map.of("us-west-2", 10));
      route53.healthy.put("eu-west-1", false);
      env.sleep(Duration.ofSeconds(31));
      route53.healthy.put("us-east-1", false);
      route53.healthy.put("ap-southeast-1", false);
      env.sleep(Duration.ofSeconds(31));
      assertThat(owner.status().failClosed()).isNotNull();
      route53.healthy.put("eu-west-1", true);
      env.sleep(Duration.ofSeconds(31));
      owner.submitFailbackApproval(new TrafficFailback("eu-west-1", "carol", "fixed"));
      owner.approveFailback(new TrafficFailback("us-west-2", "carol", "host replaced"));
      env.sleep(Duration.ofSeconds(31));
      owner.stop(new TrafficCommand(null, "dana", "done"));
      TrafficOwnerStatus end = WorkflowStub.fromTyped(owner).getResult(TrafficOwnerStatus.class);
      assertThat(end.stopped()).isTrue();
      assertThat(end.conflicts()).isEqualTo(1);
      assertThat(route53.weights()).containsEntry("us-west-2", 50).containsEntry("eu-west-1", 50);
      Files.writeString(Path.of("src/test/resources").resolve(HISTORY),
          env.getWorkflowClient().fetchHistory(ID).toJson(true) + "\n", StandardCharsets.UTF_8);
    }
  }

  private static WorkflowExecutionHistory load() throws IOException {
    try (InputStream in = TrafficOwnerReplayTest.class.getClassLoader().getResourceAsStream(HISTORY)) {
      assertThat(in).as(HISTORY + " on the test classpath (record it: see the class comment)").isNotNull();
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), ID);
    }
  }
}
