package dev.gantry.workflows.release;

import static dev.gantry.workflows.support.Watch.awaitStatus;
import static dev.gantry.workflows.support.Watch.failureOfType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.release.GateCheck;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.api.flags.FlagIds;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampStatus;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.flags.SplitSettings;
import dev.gantry.workflows.flags.ExperimentWorkflowImpl;
import dev.gantry.workflows.flags.FlagRampWorkflow;
import dev.gantry.workflows.flags.FlagRampWorkflowImpl;
import dev.gantry.workflows.region.RegionDeploymentWorkflowImpl;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.FakeFlagMetrics;
import dev.gantry.workflows.support.FakeFlags;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The required-flags gate before an environment's deploy, and flag ramps started after it (time skipping). */
class RequiredFlagsWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private static final SplitSettings STAGING_SPLIT =
      new SplitSettings("ws-1", "Staging", "SPLIT_ADMIN_API_KEY", null, null, null);

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeAudit audit = new FakeAudit();
  private final FakeFlags flags = new FakeFlags();
  private final FakeFlagMetrics metrics = new FakeFlagMetrics(flags, percent -> new long[] {1000, 3});
  private WorkflowClient client;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.RELEASE);
    worker.registerWorkflowImplementationTypes(ReleaseWorkflowImpl.class,
        dev.gantry.workflows.lock.EnvironmentLockWorkflowImpl.class, RegionDeploymentWorkflowImpl.class,
        FlagRampWorkflowImpl.class, ExperimentWorkflowImpl.class);
    worker.registerActivitiesImplementations(new dev.gantry.workflows.support.PlanAsGiven(), deployments, audit, flags, metrics,
        new dev.gantry.workflows.lock.LockHolderLookup(client));
    env.start();
  }

  @Test
  void aMissingRequiredFlagBlocksTheDeployAndNamesTheFlag() {
    flags.define("new-checkout", false);
    ReleaseWorkflow release = start(withStagingFlags(List.of("new-checkout", "payments-v2"), List.of()));

    WorkflowFailedException failure = failure(release);

    assertThat(failureOfType(failure, Failures.GATE_FAILED).getOriginalMessage())
        .isEqualTo("staging: required flag(s) missing payments-v2 in Split environment Staging (fake split Staging)");
    assertThat(deployments.calls("deploy", "dev")).isNotEmpty();
    assertThat(deployments.calls("deploy", "staging")).as("staging's regions get nothing").isEmpty();
    assertThat(deployments.calls("deploy", "production")).isEmpty();
    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.gates()).filteredOn(g -> g.gate().equals("flags")).singleElement()
        .extracting(GateCheck::environment, GateCheck::outcome).containsExactly("staging", "failed");
    assertThat(audit.events).anySatisfy(e -> {
      assertThat(e.kind()).isEqualTo("gate");
      assertThat(e.outcome()).isEqualTo("failed");
      assertThat(e.detail()).contains("flags: required flag(s) missing payments-v2");
    });
  }

  @Test
  void aKilledRequiredFlagBlocksTheDeployToo() {
    flags.define("new-checkout", false).define("payments-v2", true);
    ReleaseWorkflow release = start(withStagingFlags(List.of("new-checkout", "payments-v2"), List.of()));

    WorkflowFailedException failure = failure(release);

    assertThat(failureOfType(failure, Failures.GATE_FAILED).getOriginalMessage())
        .contains("staging: required flag(s) killed payments-v2");
    assertThat(deployments.calls("deploy", "staging")).isEmpty();
  }

  @Test
  void presentFlagsPassAndTheConfiguredRampStartsAfterTheDeployAndOutlivesTheRelease() {
    flags.define("new-checkout", false).define("payments-v2", false);
    FlagRampPlan ramp = new FlagRampPlan("new-checkout", null, null, List.of(10, 50, 100), 30, "checkout_errors",
        0.01, 100);
    ReleaseWorkflow release = start(withStagingFlags(List.of("new-checkout", "payments-v2"), List.of(ramp)));

    ReleaseStatus atProduction = awaitStatus(release, s -> "approval:production".equals(s.stage()));
    assertThat(atProduction.gates()).filteredOn(g -> g.gate().equals("flags")).singleElement()
        .satisfies(g -> assertThat(g.detail()).contains("new-checkout, payments-v2"));
    assertThat(flags.checks).singleElement().satisfies(c -> assertThat(c.environment()).isEqualTo("staging"));
    assertThat(atProduction.timeline()).anySatisfy(t -> assertThat(t.event())
        .startsWith("flag ramp started: flag-ramp/hello-service/new-checkout/staging"));
    // The hint names `flags status APP ENV FLAG` in the order the command takes them.
    assertThat(atProduction.timeline()).anySatisfy(t -> assertThat(t.event())
        .endsWith("follow it with `gantry flags status hello-service staging new-checkout`"));

    FlagRampWorkflow rampStub = client.newWorkflowStub(FlagRampWorkflow.class,
        FlagIds.ramp("hello-service", "new-checkout", "staging"));
    FlagRampStatus done = WorkflowStub.fromTyped(rampStub).getResult(FlagRampStatus.class);
    assertThat(done.state()).isEqualTo(RampState.SUCCEEDED);
    assertThat(flags.changes).containsExactly("new-checkout on 10% / off 90%", "new-checkout on 50% / off 50%",
        "new-checkout on 100% / off 0%");
    assertThat(metrics.reads).hasSize(3);
    Histories.record(client, "release/hello-service/1.4.0", "release-hello-service-1.4.0-required-flags-ramp");
    Histories.record(client, FlagIds.ramp("hello-service", "new-checkout", "staging"),
        "flag-ramp-hello-service-new-checkout-staging-succeeded");
  }

  @Test
  void aReleaseWithoutFlagsRecordsNoFlagEvents() {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>();
    for (EnvironmentPlan e : example.environments()) {
      environments.add(e.toBuilder()
          .approval(ApprovalPolicy.none())
          .build());
    }
    ReleaseRequest request = new ReleaseRequest(example.application(), example.version(), example.artifact(),
        environments, example.requestedBy(), example.specSource());
    ReleaseWorkflow release = start(request);
    assertThat(WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class).state())
        .isEqualTo(ReleaseState.SUCCEEDED);

    var history = client.fetchHistory(request.releaseId()).getHistory().getEventsList();
    assertThat(history).noneMatch(e -> e.getEventType() == EventType.EVENT_TYPE_MARKER_RECORDED
        && e.getMarkerRecordedEventAttributes().toString().contains(VersionMarkers.FEATURE_FLAGS));
    assertThat(flags.checks).isEmpty();
  }

  private static ReleaseRequest withStagingFlags(List<String> required, List<FlagRampPlan> ramps) {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>();
    for (EnvironmentPlan e : example.environments()) {
      environments.add(e.name().equals("staging")
          ? e.withFlags(new FlagPolicy(STAGING_SPLIT, required, "http://metrics.test/flags", ramps, null)) : e);
    }
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        example.requestedBy(), example.specSource());
  }

  private ReleaseWorkflow start(ReleaseRequest request) {
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    return release;
  }

  private static WorkflowFailedException failure(ReleaseWorkflow release) {
    try {
      ReleaseStatus unexpected = WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
      throw new AssertionError("the release should have failed, it ended " + unexpected.state());
    } catch (WorkflowFailedException e) {
      return e;
    }
  }
}
