package dev.gantry.workflows.failover;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.traffic.FailbackApproval;
import dev.gantry.workflows.api.traffic.FailoverCommand;
import dev.gantry.workflows.api.traffic.FailoverState;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The per-region failover watch's history, recorded with the code from before the traffic owner existed
 * (failover of us-west-2 on an alarm, recovery, an approved failback, a manual failover, stop), replays
 * against today's code. Record again only for a deliberate, versioned change:
 * {@code ./mvnw -o -q -pl workflows test -Dtest=RegionFailoverReplayTest -Dgantry.recordHistories=true}.
 */
class RegionFailoverReplayTest {
  static final String HISTORY = "histories/failover-hello-service-production-us-west-2.json";
  static final String ID = ReleaseIds.failover("hello-service", "production", "us-west-2");

  @Test
  void aWatchRecordedBeforeTheTrafficOwnerReplays() throws Exception {
    WorkflowExecutionHistory history = load();
    assertThat(history.getEvents().get(0).getWorkflowExecutionStartedEventAttributes().getWorkflowType()
        .getName()).isEqualTo("RegionFailover");

    WorkflowReplayer.replayWorkflowExecution(history, RegionFailoverWorkflowImpl.class);
  }

  @Test
  @EnabledIfSystemProperty(named = "gantry.recordHistories", matches = "true")
  void recordHistory() throws Exception {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      FakeRegionTraffic traffic = new FakeRegionTraffic();
      Worker worker = env.newWorker(TaskQueues.RELEASE);
      worker.registerWorkflowImplementationTypes(RegionFailoverWorkflowImpl.class);
      worker.registerActivitiesImplementations(traffic, new FakeAudit());
      env.start();
      RegionFailoverWorkflow watch = env.getWorkflowClient().newWorkflowStub(RegionFailoverWorkflow.class,
          WorkflowOptions.newBuilder().setWorkflowId(ID).setTaskQueue(TaskQueues.RELEASE).build());
      WorkflowClient.start(watch::watch, new RegionFailoverRequest("hello-service", "production", "us-west-2",
          FakeRegionTraffic.REGIONS, FakeRegionTraffic.target(), null, 30, List.of("carol"), null));
      env.sleep(Duration.ofSeconds(31));
      traffic.healthy.put("us-west-2", false);
      env.sleep(Duration.ofSeconds(31));
      assertThat(watch.status().state()).isEqualTo(FailoverState.FAILED_OVER);
      traffic.healthy.put("us-west-2", true);
      env.sleep(Duration.ofSeconds(31));
      watch.submitFailbackApproval(new FailbackApproval("carol", "5xx back to 0"));
      assertThat(watch.status().state()).isEqualTo(FailoverState.WATCHING);
      watch.submitFailover(new FailoverCommand("dana", "planned maintenance"));
      watch.stop(new FailoverCommand("dana", "done"));
      RegionFailoverStatus end = WorkflowStub.fromTyped(watch).getResult(RegionFailoverStatus.class);
      assertThat(end.state()).isEqualTo(FailoverState.STOPPED);
      Path dir = Path.of("src/test/resources/histories");
      Files.writeString(dir.resolve(Path.of(HISTORY).getFileName()),
          env.getWorkflowClient().fetchHistory(ID).toJson(true) + "\n", StandardCharsets.UTF_8);
    }
  }

  private static WorkflowExecutionHistory load() throws IOException {
    try (InputStream in = RegionFailoverReplayTest.class.getClassLoader().getResourceAsStream(HISTORY)) {
      assertThat(in).as(HISTORY + " on the test classpath (record it: see the class comment)").isNotNull();
      return WorkflowExecutionHistory.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), ID);
    }
  }
}
