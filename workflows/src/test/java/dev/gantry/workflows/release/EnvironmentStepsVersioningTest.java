package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A release that uses neither a promotion nor applyConfig writes no event of either change. */
class EnvironmentStepsVersioningTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities fake = new FakeDeploymentActivities();
  private TestWorkflowEnvironment env;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    Releases.startWorker(env, fake);
  }

  @Test
  void aPlainReleaseHasNoMarkerOfTheEnvironmentStepsAndTheSameEventsAsBefore() {
    EnvironmentPlan production = Releases.example().environments().get(2);
    EnvironmentPlan plain = production.toBuilder()
        .approval(ApprovalPolicy.none())
        .build();
    ReleaseRequest example = Releases.example();
    ReleaseRequest request = new ReleaseRequest(example.application(), example.version(), example.artifact(),
        List.of(plain), example.requestedBy(), example.specSource());

    assertThat(env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build()).run(request).state()).isEqualTo(ReleaseState.SUCCEEDED);

    var history = env.getWorkflowClient().fetchHistory(request.releaseId()).getHistory();
    String markers = history.getEventsList().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
        .map(Object::toString).reduce("", String::concat);
    assertThat(markers).doesNotContain(VersionMarkers.PROMOTION_SOURCE_CHECK)
        .doesNotContain(VersionMarkers.ENVIRONMENT_CONFIG);
    assertThat(history.toString()).doesNotContain("Environment.");
  }
}
