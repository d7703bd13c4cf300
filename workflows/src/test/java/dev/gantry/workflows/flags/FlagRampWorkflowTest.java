package dev.gantry.workflows.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.flags.AbortSignal;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampRequest;
import dev.gantry.workflows.api.flags.FlagRampStatus;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.flags.SplitSettings;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.OwnersInPolicy;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.FakeFlagMetrics;
import dev.gantry.workflows.support.FakeFlags;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A flag ramp on its own, with a metrics endpoint that answers by the flag's current share (time skipping). */
class FlagRampWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private static final SplitSettings SPLIT = new SplitSettings("ws-1", "Production", "SPLIT_ADMIN_API_KEY", null,
      null, null);
  private final FakeFlags flags = new FakeFlags().define("new-checkout", false);
  private final FakeAudit audit = new FakeAudit();

  private FlagRampWorkflow start(TestWorkflowEnvironment env, FakeFlagMetrics metrics, int bakeMinutes) {
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(FlagRampWorkflowImpl.class);
    FlagRampRequest request = new FlagRampRequest("hello-service", "production", SPLIT, "http://metrics.test/flags",
        new FlagRampPlan("new-checkout", null, null, null, bakeMinutes, "checkout_errors", 0.02, 500), "dana", null);
    worker.registerActivitiesImplementations(flags, metrics, audit, new OwnersInPolicy().declare(request));
    env.start();
    FlagRampWorkflow ramp = env.getWorkflowClient().newWorkflowStub(FlagRampWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(ramp::run, request);
    return ramp;
  }

  @Test
  void aBadMetricAtFiftyPercentStopsTheRampAndSetsTheFlagBackToZero(TestWorkflowEnvironment env) {
    // 0.5% errors at 10%, 4% at 50%
    FakeFlagMetrics metrics = new FakeFlagMetrics(flags, p -> p <= 10 ? new long[] {2000, 10} : new long[] {9000, 360});
    FlagRampWorkflow ramp = start(env, metrics, 30);

    WorkflowFailedException failed = catchThrowableOfType(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(ramp).getResult(FlagRampStatus.class));

    ApplicationFailure cause = (ApplicationFailure) failed.getCause();
    assertThat(cause.getType()).isEqualTo(FlagRampWorkflow.STOPPED);
    assertThat(cause.getOriginalMessage()).contains("stopped at step 2")
        .contains("checkout_errors 360/9000 = 0.0400 (max 0.02) is above the maximum")
        .contains("new-checkout set back to 0% on");
    assertThat(flags.changes).containsExactly("new-checkout on 10% / off 90%", "new-checkout on 50% / off 50%",
        "new-checkout on 0% / off 100%");
    assertThat(flags.percentOf("new-checkout", "on")).isZero();
    FlagRampStatus status = ramp.status();
    assertThat(status.state()).isEqualTo(RampState.STOPPED);
    assertThat(status.percent()).isZero();
    assertThat(status.stoppedBecause()).startsWith("bad metric at 50%");
    assertThat(audit.events).extracting(e -> e.outcome())
        .containsExactly("started", "step", "step passed", "step", "stopped");
    assertThat(audit.events.get(4).detail()).contains("set back to 0%");
    assertThat(metrics.reads.get(1).sinceEpochMillis()).as("each step is judged on its own traffic")
        .isGreaterThan(metrics.reads.get(0).sinceEpochMillis());
    Histories.record(env.getWorkflowClient(), WorkflowStub.fromTyped(ramp).getExecution().getWorkflowId(),
        "flag-ramp-hello-service-new-checkout-bad-metric-stopped-from-policy");
  }

  @Test
  void tooLittleTrafficBakesAgainAndThenStopsFailClosed(TestWorkflowEnvironment env) {
    FakeFlagMetrics metrics = new FakeFlagMetrics(flags, p -> new long[] {40, 0});
    FlagRampWorkflow ramp = start(env, metrics, 10);

    assertThatThrownBy(() -> WorkflowStub.fromTyped(ramp).getResult(FlagRampStatus.class))
        .isInstanceOf(WorkflowFailedException.class);

    assertThat(metrics.reads).hasSize(FlagRampWorkflowImpl.MAX_INCONCLUSIVE);
    assertThat(ramp.status().stoppedBecause()).contains("3 inconclusive analyses in a row")
        .contains("fewer than 500 exposures");
    assertThat(flags.changes).containsExactly("new-checkout on 10% / off 90%", "new-checkout on 0% / off 100%");
  }

  /**
   * Anyone allowed to start workflows can start a ramp with a plan of their own (straight to 100%, no bake, no
   * threshold) and Split settings of their own: a ramp no release started runs as the policy declares it, and a
   * flag the policy declares no ramp for is refused before anything changes.
   */
  @Test
  void aRampAClientStartsRunsAsThePolicyDeclaresItNotAsItsInputSays(TestWorkflowEnvironment env) {
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(FlagRampWorkflowImpl.class);
    FlagRampRequest declared = new FlagRampRequest("hello-service", "production", SPLIT, "http://metrics.test/flags",
        new FlagRampPlan("new-checkout", null, null, null, 30, "checkout_errors", 0.02, 500), "dana", null);
    FakeFlagMetrics metrics = new FakeFlagMetrics(flags, p -> new long[] {2000, 10});
    worker.registerActivitiesImplementations(flags, metrics, audit, new OwnersInPolicy().declare(declared));
    env.start();
    FlagRampRequest forged = new FlagRampRequest("hello-service", "production", new SplitSettings("ws-1",
        "Production", "AWS_SECRET_ACCESS_KEY", "https://attacker.example/api", null, null),
        "http://attacker.example/metrics", new FlagRampPlan("new-checkout", null, null, List.of(100), 0,
        "checkout_errors", 1.0, 0), "mallory", null);
    FlagRampWorkflow ramp = env.getWorkflowClient().newWorkflowStub(FlagRampWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(forged.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(ramp::run, forged);
    env.sleep(Duration.ofMinutes(1));

    FlagRampStatus status = ramp.status();
    assertThat(status.steps()).isEqualTo(declared.plan().stepsOrDefault()).isNotEqualTo(List.of(100));
    assertThat(status.percent()).isEqualTo(declared.plan().stepsOrDefault().get(0));
    assertThat(flags.changes).doesNotContain("new-checkout on 100%");
    WorkflowStub.fromTyped(ramp).terminate("test over");

    FlagRampRequest undeclared = new FlagRampRequest("hello-service", "production", SPLIT, "http://metrics.test/flags",
        new FlagRampPlan("dark-mode", null, null, List.of(100), 0, "errors", 1.0, 0), "mallory", null);
    FlagRampWorkflow other = env.getWorkflowClient().newWorkflowStub(FlagRampWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(undeclared.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    assertThatThrownBy(() -> other.run(undeclared)).rootCause()
        .hasMessageContaining("refused (no flag was changed): the platform policy declares no ramp of flag 'dark-mode'");
  }

  @Test
  void aFlagSplitDoesNotKnowStopsTheRampAndTheStatusSaysWhy(TestWorkflowEnvironment env) {
    FakeFlags empty = new FakeFlags();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(FlagRampWorkflowImpl.class);
    FlagRampRequest request = new FlagRampRequest("hello-service", "production", SPLIT, "http://metrics.test/flags",
        new FlagRampPlan("new-chekout", null, null, null, 30, "checkout_errors", 0.02, 500), "dana", null);
    worker.registerActivitiesImplementations(empty, new FakeFlagMetrics(empty, p -> new long[] {1, 0}), audit,
        new OwnersInPolicy().declare(request));
    env.start();
    FlagRampWorkflow ramp = env.getWorkflowClient().newWorkflowStub(FlagRampWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(request.workflowId()).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(ramp::run, request);

    assertThatThrownBy(() -> WorkflowStub.fromTyped(ramp).getResult(FlagRampStatus.class))
        .isInstanceOf(WorkflowFailedException.class);

    FlagRampStatus status = ramp.status();
    assertThat(status.state()).isEqualTo(RampState.STOPPED);
    assertThat(status.stoppedBecause()).contains("could not change new-chekout").contains("not defined");
    assertThat(status.timeline()).anySatisfy(line -> assertThat(line).contains("kill it in Split by hand"));
  }

  @Test
  void anAbortDuringTheBakeSetsTheFlagBackAtOnce(TestWorkflowEnvironment env) {
    FakeFlagMetrics metrics = new FakeFlagMetrics(flags, p -> new long[] {5000, 1});
    FlagRampWorkflow ramp = start(env, metrics, 600);
    env.sleep(Duration.ofMinutes(5));
    assertThat(ramp.status().percent()).isEqualTo(10);
    assertThat(ramp.status().nextAnalysisAt()).isNotNull();

    ramp.abort(new AbortSignal("erin", "support tickets about checkout"));
    assertThatThrownBy(() -> WorkflowStub.fromTyped(ramp).getResult(FlagRampStatus.class))
        .isInstanceOf(WorkflowFailedException.class);

    assertThat(ramp.status().state()).isEqualTo(RampState.ABORTED);
    assertThat(metrics.reads).isEmpty();
    assertThat(flags.changes).last().isEqualTo("new-checkout on 0% / off 100%");
    assertThat(audit.events).last().satisfies(e -> {
      assertThat(e.actor()).isEqualTo("erin");
      assertThat(e.outcome()).isEqualTo("aborted");
    });
  }
}
