package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.FakeDeploymentActivities.Call;
import dev.gantry.workflows.support.Releases;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** maxParallelRegions: a wave runs in batches; the versioned change is marked in the history. */
class MaxParallelRegionsTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities fake = new FakeDeploymentActivities();
  private TestWorkflowEnvironment env;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    Releases.startWorker(env, fake);
  }

  ReleaseRequest productionOnly(Integer maxParallel) {
    EnvironmentPlan production = Releases.example().environments().get(2);
    EnvironmentPlan limited = production.toBuilder()
        .approval(ApprovalPolicy.none())
        .maxParallelRegions(maxParallel)
        .build();
    ReleaseRequest example = Releases.example();
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), List.of(limited),
        example.requestedBy(), example.specSource());
  }

  ReleaseStatus run(ReleaseRequest request) {
    WorkflowClient client = env.getWorkflowClient();
    return client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build()).run(request);
  }

  @Test
  void aWaveOfThreeWithALimitOfTwoStartsTheThirdRegionOnlyWhenTheFirstTwoAreHealthy() {
    ReleaseRequest request = productionOnly(2);

    assertThat(run(request).state()).isEqualTo(ReleaseState.SUCCEEDED);

    List<Call> calls = fake.calls();
    int thirdStarts = indexOf(calls, "deploy", "ap-southeast-1");
    assertThat(thirdStarts).isGreaterThan(indexOf(calls, "checkHealth", "us-west-2"))
        .isGreaterThan(indexOf(calls, "checkHealth", "eu-west-1"));
    assertThat(markers(request)).as("the change is versioned").isEqualTo(1);
    WorkflowClient client = env.getWorkflowClient();
    Histories.record(client, request.releaseId(), "release-hello-service-1.4.0-max-parallel-regions");
    for (String lock : Histories.children(client, request.releaseId(), "EnvironmentLock")) {
      Histories.record(client, lock, "lock-hello-service-production-one-release");
    }
  }

  @Test
  void withoutALimitTheWholeWaveStartsTogetherAndNoVersionMarkerIsWritten() {
    ReleaseRequest request = productionOnly(null);

    assertThat(run(request).state()).isEqualTo(ReleaseState.SUCCEEDED);

    assertThat(markers(request)).isZero();
  }

  private long markers(ReleaseRequest request) {
    return env.getWorkflowClient().fetchHistory(request.releaseId()).getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .filter(e -> e.getMarkerRecordedEventAttributes().getMarkerName().equals("Version"))
        .filter(e -> e.getMarkerRecordedEventAttributes().getDetailsMap().values().stream()
            .anyMatch(payloads -> payloads.getPayloadsList().stream()
                .anyMatch(p -> p.getData().toStringUtf8().contains("max-parallel-regions"))))
        .count();
  }

  private static int indexOf(List<Call> calls, String method, String region) {
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).method().equals(method) && calls.get(i).region().equals(region)) {
        return i;
      }
    }
    throw new AssertionError("no " + method + " in " + region + " among " + calls);
  }
}
