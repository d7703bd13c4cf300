package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A release that waits 30 days at a closed deployment window (a freeze with no known end: the worst case,
 * re-checked every hour), with time skipping: it must stay below the server's history warnings
 * (warnings from 10,240 events / 10 MB, termination at 51,200 / 50 MB), so no continue-as-new is needed for
 * waits of this length. The figures are printed for docs/reliability.md.
 */
class LongWaitHistoryTest {
  private static final Duration WAIT = Duration.ofDays(30);
  static final int HISTORY_WARNING_EVENTS = 10_240;
  static final long HISTORY_WARNING_BYTES = 10L * 1024 * 1024;

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  /** Frozen, with no known reopening, until {@code opensAt}; every check counted. */
  static final class EndlessFreeze implements DeploymentWindowActivities {
    volatile long opensAt;
    final AtomicInteger checks = new AtomicInteger();

    @Override
    public WindowDecision evaluate(WindowCheckRequest request) {
      checks.incrementAndGet();
      if (request.atEpochMillis() >= opensAt) {
        return new WindowDecision(true, "open: the freeze was lifted", null, null);
      }
      return new WindowDecision(false, "freeze 'data-centre migration'", null, "no opening within 366 days");
    }
  }

  @Test
  void aReleaseWaitingThirtyDaysWithHourlyWindowChecksStaysBelowTheHistoryWarning(TestWorkflowEnvironment env) {
    EndlessFreeze window = new EndlessFreeze();
    Releases.startWorker(env, new FakeDeploymentActivities(), window);
    window.opensAt = env.currentTimeMillis() + WAIT.toMillis();
    ReleaseRequest example = Releases.example("long-wait", "1.0.0");
    EnvironmentPlan production = example.environments().get(2);
    EnvironmentPlan frozen = production.toBuilder()
        .approval(ApprovalPolicy.none())
        .variables(Map.of())
        .window(new DeploymentWindowPolicy("Europe/Berlin", List.of(), List.of(), List.of(), List.of()))
        .build();
    ReleaseRequest request = new ReleaseRequest(example.application(), example.version(), example.artifact(),
        List.of(frozen), example.requestedBy(), example.specSource());
    WorkflowClient client = env.getWorkflowClient();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);

    ReleaseStatus done = WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class); // time skips
    assertThat(done.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(window.checks.get()).as("hourly checks over 30 days").isGreaterThanOrEqualTo(30 * 24);

    List<HistoryEvent> events = client.fetchHistory(request.releaseId()).getEvents();
    long bytes = events.stream().mapToLong(HistoryEvent::getSerializedSize).sum();
    long timers = events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_TIMER_FIRED).count();
    long activities = events.stream().filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED).count();
    System.out.printf("[long-wait] 30 days at a frozen window: %d window checks, %d history events (%.1f per"
        + " check), %d timers fired, %d activities, %.0f KB of history; warning thresholds %d events / %d MB%n",
        window.checks.get(), events.size(), (double) events.size() / window.checks.get(), timers, activities,
        bytes / 1024.0, HISTORY_WARNING_EVENTS, HISTORY_WARNING_BYTES / 1024 / 1024);
    assertThat(events.size()).as("history events after 30 days").isLessThan(HISTORY_WARNING_EVENTS);
    assertThat(bytes).as("history bytes after 30 days").isLessThan(HISTORY_WARNING_BYTES);
  }
}
