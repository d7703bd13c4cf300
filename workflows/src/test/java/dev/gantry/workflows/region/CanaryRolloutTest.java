package dev.gantry.workflows.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.CanaryCommandResult;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import dev.gantry.workflows.release.ReleaseWorkflow;
import dev.gantry.workflows.support.FakeAnalysis;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.VersionMarkers;
import dev.gantry.workflows.support.Watch;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Canary rollouts in a region: steps, analysis, inconclusive deadlines, promote, abort, pause. */
class CanaryRolloutTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private static final String PROD = "production";
  private static final List<Integer> STEPS = List.of(5, 25, 50, 100);

  private final FakeDeploymentActivities fake = new FakeDeploymentActivities();
  private final FakeAnalysis analysis = new FakeAnalysis();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    this.client = env.getWorkflowClient();
    Releases.startWorker(env, fake, analysis);
    for (String region : Releases.PRODUCTION_REGIONS) {
      fake.preinstall(PROD, region, "1.3.0");
    }
  }

  static AnalysisPolicy rules(String onInconclusive) {
    return new AnalysisPolicy("http://metrics.example/{region}", null, 0.01, 500.0, 0.005, null, 100L, 1800,
        onInconclusive);
  }

  static RolloutPolicy canary(String onInconclusive) {
    return new RolloutPolicy(RolloutPolicy.CANARY, STEPS, 600, null, rules(onInconclusive));
  }

  static ReleaseRequest production(RolloutPolicy rollout) {
    EnvironmentPlan p = Releases.example().environments().get(2);
    EnvironmentPlan plan = p.toBuilder()
        .approval(ApprovalPolicy.none())
        .rollout(rollout)
        .build();
    ReleaseRequest example = Releases.example();
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), List.of(plan),
        example.requestedBy(), example.specSource());
  }

  ReleaseWorkflow start(ReleaseRequest request) {
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    return release;
  }

  /**
   * Bounded: on the Java test server a region cancelled by fail fast while its activity was only scheduled
   * has been seen to keep its workflow task STARTED for ever (see FailFastWaveTest.resultWithin).
   */
  ReleaseStatus result(ReleaseWorkflow release) {
    try {
      return WorkflowStub.fromTyped(release).getResult(3, java.util.concurrent.TimeUnit.MINUTES, ReleaseStatus.class);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the release did not end within 3 minutes", e);
    }
  }

  RegionDeploymentWorkflow region(ReleaseRequest request, String region) {
    return client.newWorkflowStub(RegionDeploymentWorkflow.class,
        ReleaseIds.region(request.releaseId(), PROD, region));
  }

  /** Polls the region child, letting workflow time run a second at a time (bakes are minutes long). */
  RegionStatus awaitRegion(ReleaseRequest request, String region, Predicate<RegionStatus> condition) {
    RegionStatus last = null;
    for (int i = 0; i < 3000; i++) {
      try {
        last = region(request, region).status();
        if (last != null && condition.test(last)) {
          return last;
        }
      } catch (RuntimeException notStartedYet) {
        // the child does not exist yet
      }
      env.sleep(Duration.ofSeconds(1));
    }
    throw new AssertionError("region " + region + " never reached the condition; last: " + last);
  }

  static Predicate<RegionStatus> at(String phase, int weight) {
    return s -> s.rollout() != null && phase.equals(s.rollout().phase()) && s.rollout().weight() == weight;
  }

  @Test
  void aFailingMetricAt25PercentRollsBackThatRegionStopsTheWaveAndTheSagaUndoesTheRegionsBefore() {
    analysis.at("us-west-2", 25, AnalysisResult.fail("error rate 4.0% > max 1.0%"));
    ReleaseRequest request = production(canary(AnalysisPolicy.ROLLBACK));

    ReleaseWorkflow release = start(request);
    assertThatThrownBy(() -> result(release)).isInstanceOf(WorkflowFailedException.class);

    assertThat(fake.weights(PROD, "us-east-1")).as("the primary went all the way, then the Saga undid it")
        .containsExactly(5, 25, 50, 100);
    assertThat(fake.weights(PROD, "us-west-2")).as("no step after the failed analysis; weight back to 0")
        .containsExactly(5, 25, 0);
    for (String region : Releases.PRODUCTION_REGIONS) {
      assertThat(fake.currentVersion(PROD, region)).as(region).isEqualTo("1.3.0");
      assertThat(fake.canaryOf(PROD, region)).as(region).isNull();
    }
    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.failureReason()).contains("us-west-2").contains("analysis failed at 25% (step 2/4)")
        .contains("error rate 4.0%");
    RegionStatus failed = region(request, "us-west-2").status();
    assertThat(failed.state()).isEqualTo(RegionState.FAILED);
    assertThat(failed.rollout().lastAnalysis()).isEqualTo("fail: error rate 4.0% > max 1.0%");
    assertThat(Watch.environment(status, PROD).regions()).filteredOn(r -> r.region().equals("us-east-1"))
        .extracting(RegionStatus::state).containsExactly(RegionState.ROLLED_BACK);
    Histories.record(client, request.releaseId(), "release-hello-service-1.4.0-canary-analysis-failed");
    Histories.record(client, ReleaseIds.region(request.releaseId(), PROD, "us-west-2"),
        "region-hello-service-1.4.0-production-us-west-2-canary-analysis-failed");
  }

  @Test
  void anInconclusiveAnalysisWaitsForAPersonAndRollsBackAtTheDeadline() {
    analysis.at("us-east-1", 5, AnalysisResult.inconclusive("12 requests < minRequests 100"));
    ReleaseRequest request = production(canary(AnalysisPolicy.ROLLBACK));

    ReleaseWorkflow release = start(request);
    RegionStatus waiting = awaitRegion(request, "us-east-1", at("inconclusive", 5));
    assertThat(waiting.rollout().waitingFor()).contains("analysis inconclusive at 5%").contains("rollback");
    assertThat(waiting.rollout().nextStepAt()).as("the deadline").isNotNull();

    assertThatThrownBy(() -> result(release)).isInstanceOf(WorkflowFailedException.class);
    assertThat(release.status().failureReason()).contains("nobody decided within 1800s");
    assertThat(fake.weights(PROD, "us-east-1")).containsExactly(5, 0);
    assertThat(fake.calls("deploy")).as("no later wave started").isEmpty();
    assertThat(fake.calls("deployDark")).extracting(FakeDeploymentActivities.Call::region)
        .containsExactly("us-east-1");
  }

  @Test
  void anInconclusiveAnalysisWithDefaultPromoteGoesTo100PercentAtTheDeadline() {
    analysis.at("us-east-1", 5, AnalysisResult.inconclusive("no data"));
    ReleaseRequest request = production(canary(AnalysisPolicy.PROMOTE));

    assertThat(result(start(request)).state()).isEqualTo(ReleaseState.SUCCEEDED);

    assertThat(fake.weights(PROD, "us-east-1")).containsExactly(5, 100);
    assertThat(fake.weights(PROD, "us-west-2")).containsExactly(5, 25, 50, 100);
    assertThat(region(request, "us-east-1").status().rollout().lastCommand()).contains("onInconclusive");
  }

  @Test
  void promoteSkipsTheRemainingSteps() {
    ReleaseRequest request = production(canary(AnalysisPolicy.ROLLBACK));
    ReleaseWorkflow release = start(request);
    RegionStatus baking = awaitRegion(request, "us-east-1", at("baking", 5));
    assertThat(baking.rollout().step()).isEqualTo(1);
    assertThat(baking.rollout().steps()).isEqualTo(4);
    assertThat(baking.rollout().nextStepAt()).isNotNull();

    CanaryCommandResult answer = region(request, "us-east-1")
        .command(new CanaryCommand(CanaryCommand.PROMOTE, "alice", "metrics look fine"));
    assertThat(answer.outcome()).contains("promoting 1.4.0 to 100%");

    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(fake.weights(PROD, "us-east-1")).containsExactly(5, 100);
    assertThat(fake.currentVersion(PROD, "us-east-1")).isEqualTo("1.4.0");
    assertThat(analysis.requests()).noneMatch(r -> r.region().equals("us-east-1"));
    RegionStatus done = region(request, "us-east-1").status();
    assertThat(done.state()).isEqualTo(RegionState.DEPLOYED);
    assertThat(done.rollout().phase()).isEqualTo("done");
    assertThat(done.rollout().lastCommand()).startsWith("promote by alice");
    Histories.record(client, request.releaseId(), "release-hello-service-1.4.0-canary-promoted");
    Histories.record(client, ReleaseIds.region(request.releaseId(), PROD, "us-east-1"),
        "region-hello-service-1.4.0-production-us-east-1-canary-promoted");
  }

  @Test
  void abortRollsTheRegionBackAndStopsTheRelease() {
    ReleaseRequest request = production(canary(AnalysisPolicy.ROLLBACK));
    ReleaseWorkflow release = start(request);
    awaitRegion(request, "us-east-1", at("baking", 25));

    region(request, "us-east-1").abort(new CanaryCommand(null, "bob", "pager went off"));

    assertThatThrownBy(() -> result(release)).isInstanceOf(WorkflowFailedException.class);
    assertThat(release.status().failureReason()).contains("aborted at 25% by bob: pager went off");
    assertThat(fake.weights(PROD, "us-east-1")).containsExactly(5, 25, 0);
    assertThat(fake.currentVersion(PROD, "us-east-1")).isEqualTo("1.3.0");
    assertThat(fake.calls("deployDark")).hasSize(1);
  }

  @Test
  void pauseHoldsAfterTheStepAndResumeGoesOn() {
    ReleaseRequest request = production(canary(AnalysisPolicy.ROLLBACK));
    ReleaseWorkflow release = start(request);
    awaitRegion(request, "us-east-1", at("baking", 5));
    region(request, "us-east-1").pause(new CanaryCommand(null, "carol", "looking at a graph"));

    RegionStatus paused = awaitRegion(request, "us-east-1", at("paused", 5));
    assertThat(paused.rollout().waitingFor()).contains("paused at 5%");
    env.sleep(Duration.ofHours(2));
    assertThat(fake.weights(PROD, "us-east-1")).as("held while paused").containsExactly(5);

    assertThatThrownBy(() -> region(request, "us-east-1")
        .command(new CanaryCommand(CanaryCommand.PAUSE, "carol", "again")))
        .isInstanceOf(WorkflowUpdateException.class);
    region(request, "us-east-1").command(new CanaryCommand(CanaryCommand.RESUME, "carol", "graph is fine"));

    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(fake.weights(PROD, "us-east-1")).containsExactly(5, 25, 50, 100);
  }

  @Test
  void aDarkLaunchOnHoldStaysAtZeroUntilResumed() {
    RolloutPolicy held = new RolloutPolicy(RolloutPolicy.CANARY, List.of(50, 100), 60, RolloutPolicy.HOLD, null);
    ReleaseRequest request = production(held);
    ReleaseWorkflow release = start(request);

    RegionStatus dark = awaitRegion(request, "us-east-1", at("held", 0));
    assertThat(dark.rollout().waitingFor()).contains("dark launch holds 1.4.0 at 0%");
    assertThat(fake.calls("smokeCheck")).hasSize(1);
    assertThat(fake.currentVersion(PROD, "us-east-1")).isEqualTo("1.3.0");

    region(request, "us-east-1").resume(new CanaryCommand(null, "dana", "smoke is green"));
    awaitRegion(request, "us-west-2", at("held", 0));
    for (String region : List.of("us-west-2", "eu-west-1", "ap-southeast-1")) {
      awaitRegion(request, region, at("held", 0));
      region(request, region).resume(new CanaryCommand(null, "dana", "go"));
    }

    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(fake.weights(PROD, "us-east-1")).containsExactly(50, 100);
  }

  @Test
  void malformedOrMisplacedCommandsAreRefusedAndTheRolloutGoesOn() {
    ReleaseRequest request = production(canary(AnalysisPolicy.ROLLBACK));
    ReleaseWorkflow release = start(request);
    awaitRegion(request, "us-east-1", at("baking", 5));
    WorkflowStub untyped = client.newUntypedWorkflowStub(ReleaseIds.region(request.releaseId(), PROD, "us-east-1"));

    untyped.signal("abort", "stop it");
    RegionStatus refused = awaitRegion(request, "us-east-1",
        s -> s.rollout().lastCommand() != null && s.rollout().lastCommand().startsWith("refused"));
    assertThat(refused.rollout().lastCommand()).contains("the payload must be one JSON object");
    assertThatThrownBy(() -> region(request, "us-east-1")
        .command(new CanaryCommand(CanaryCommand.RESUME, "eve", "nothing paused")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("neither paused nor waiting");
    assertThatThrownBy(() -> region(request, "us-east-1").command(new CanaryCommand("skip", "eve", "why not")))
        .isInstanceOf(WorkflowUpdateException.class)
        .hasStackTraceContaining("field 'action' must be one of");

    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);
  }

  @Test
  void aReleaseWithoutARolloutWritesNoRolloutEvents() {
    ReleaseRequest request = production(null);

    assertThat(result(start(request)).state()).isEqualTo(ReleaseState.SUCCEEDED);

    assertThat(fake.calls("deployDark")).isEmpty();
    assertThat(fake.calls("setWeight")).isEmpty();
    for (String region : Releases.PRODUCTION_REGIONS) {
      var events = client.fetchHistory(ReleaseIds.region(request.releaseId(), PROD, region)).getEvents();
      // the only version marker is the cancellable region's (fail fast, issue 16): no rollout marker
      assertThat(events).filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED)
          .extracting(e -> e.getMarkerRecordedEventAttributes().getDetailsOrThrow("changeId").getPayloads(0)
              .getData().toStringUtf8())
          .containsExactly("\"" + VersionMarkers.CANCELLABLE_REGION + "\"");
      assertThat(events).filteredOn(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
          .extracting(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName())
          .containsExactly("Deployment.deploy", "Deployment.checkHealth");
    }
  }
}
