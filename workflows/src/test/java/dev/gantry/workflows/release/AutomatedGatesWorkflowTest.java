package dev.gantry.workflows.release;

import static dev.gantry.workflows.support.Watch.awaitStatus;
import static dev.gantry.workflows.support.Watch.environment;
import static dev.gantry.workflows.support.Watch.failureOfType;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import dev.gantry.workflows.api.cab.ReadDecisionRequest;
import dev.gantry.workflows.api.quality.CoverageRule;
import dev.gantry.workflows.api.quality.Measurement;
import dev.gantry.workflows.api.quality.QualityGateActivities;
import dev.gantry.workflows.api.quality.QualityGatePolicy;
import dev.gantry.workflows.api.quality.QualityGateRequest;
import dev.gantry.workflows.api.quality.QualityGateResult;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.GateCheck;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.FreezeSignal;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Quality, change board and deployment window gates in a running release (time skipping). */
class AutomatedGatesWorkflowTest {
  private static final long HOUR = 3_600_000L;

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeAudit audit = new FakeAudit();
  private final Quality quality = new Quality();
  private final Window window = new Window();
  private final Board board = new Board();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  /** Coverage fails in the environments listed. */
  static class Quality implements QualityGateActivities {
    final List<String> failIn = new CopyOnWriteArrayList<>();

    @Override
    public QualityGateResult evaluate(QualityGateRequest request) {
      boolean pass = !failIn.contains(request.environment());
      return new QualityGateResult(pass, List.of(Measurement.atLeast(Measurement.COVERAGE_LINES,
          pass ? 84.2 : 71.5, 80, "coverage-summary.json")), List.of());
    }
  }

  /** Closed until {@code opensAt} (workflow time), and while any extra freeze is given. */
  static class Window implements DeploymentWindowActivities {
    volatile long opensAt;
    final List<WindowCheckRequest> checks = new CopyOnWriteArrayList<>();

    @Override
    public WindowDecision evaluate(WindowCheckRequest request) {
      checks.add(request);
      if (!request.extraFreezes().isEmpty()) {
        return new WindowDecision(false, "freeze '" + request.extraFreezes().get(0).reason() + "'", null,
            "no opening within 366 days");
      }
      if (request.atEpochMillis() >= opensAt) {
        return new WindowDecision(true, "open: inside Mon-Fri 09:00-17:00 Europe/Berlin", null, null);
      }
      return new WindowDecision(false, "outside Mon-Fri 09:00-17:00 Europe/Berlin", opensAt, "Mon 09:00");
    }
  }

  /** A webhook change board: decisions arrive by signal; every call recorded. */
  static class Board implements ChangeBoardActivities {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<CloseChangeRequest> closed = new CopyOnWriteArrayList<>();
    volatile int unreachableFor;

    @Override
    public ChangeTicket openChange(ChangeRequest request) {
      calls.add("open " + request.environment());
      return new ChangeTicket("chg-" + request.environment(), "CHG0001", "https://cab.example/CHG0001", "webhook");
    }

    @Override
    public CabDecision readDecision(ReadDecisionRequest request) {
      calls.add("read");
      if (unreachableFor > 0) {
        unreachableFor--;
        throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
            "401 from ServiceNow: token expired", ChangeBoardActivities.REFUSED);
      }
      return CabDecision.pending("waiting for the board");
    }

    @Override
    public ChangeTicket closeChange(CloseChangeRequest request) {
      closed.add(request);
      return request.ticket();
    }
  }

  static class Directory implements ApproverDirectoryActivities {
    @Override
    public ApproverDirectory load(DirectoryRequest request) {
      return new ApproverDirectory(request.source(),
          Map.of("erin", new Approver("erin", List.of("emergency-approvers"), null)));
    }
  }

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    this.client = env.getWorkflowClient();
    Releases.startWorker(env, deployments, audit, quality, window, board, new Directory());
  }

  @Test
  void aFailedQualityGateStopsTheReleaseBeforeTheEnvironmentIsTouched() {
    quality.failIn.add("staging");
    ReleaseWorkflow release = start(plan(new QualityGatePolicy(
        new CoverageRule("/reports/coverage-summary.json", CoverageRule.ISTANBUL, 80.0), null), null, null));
    WorkflowFailedException failure = failure(release);
    assertThat(failureOfType(failure, Failures.GATE_FAILED).getOriginalMessage())
        .isEqualTo("staging: quality gate failed: coverage.lines.pct 71.5 NOT >= 80");
    assertThat(deployments.calls("deploy", "dev")).isNotEmpty();
    assertThat(deployments.calls("deploy", "staging")).isEmpty();
    assertThat(release.status().gates()).filteredOn(g -> !g.gate().equals("signature"))
        .extracting(GateCheck::environment, GateCheck::gate, GateCheck::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("dev", "quality", "passed"),
            org.assertj.core.groups.Tuple.tuple("staging", "quality", "failed"));
  }

  @Test
  void anEmergencyOverrideLetsAFailedQualityGatePassAndSaysSo() {
    quality.failIn.add("dev");
    ReleaseRequest request = Releases.withApprovalsDirectory(
        plan(new QualityGatePolicy(new CoverageRule("/r.json", CoverageRule.ISTANBUL, 80.0), null), null, null));
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    // signal-with-start: the override is in place before the release meets dev's quality gate
    var batch = client.newSignalWithStartRequest();
    batch.add(release::run, request);
    batch.add(release::override, new OverrideSignal("erin", "quality", "hotfix for the outage", "INC-9", "dev", null));
    client.signalWithStart(batch);

    ReleaseStatus status = awaitStatus(release, s -> "approval:production".equals(s.stage()));
    assertThat(status.gates()).filteredOn(g -> g.environment().equals("dev") && g.gate().equals("quality"))
        .singleElement()
        .satisfies(g -> {
          assertThat(g.outcome()).isEqualTo("overridden");
          assertThat(g.detail()).contains("failed but overridden").contains("71.5");
        });
    assertThat(deployments.calls("deploy", "dev")).isNotEmpty();
    assertThat(audit.reviews).singleElement().satisfies(r -> assertThat(r.gate()).isEqualTo("quality"));
  }

  @Test
  void outsideItsWindowAReleaseWaitsDurablyAndGoesOnWhenTheWindowOpens() {
    long start = env.currentTimeMillis();
    window.opensAt = start + 62 * HOUR;
    ReleaseWorkflow release = start(plan(null, null, berlinOfficeHours()));
    ReleaseStatus waiting = awaitStatus(release, s -> "window:dev".equals(s.stage()));
    assertThat(waiting.state()).isEqualTo(ReleaseState.WAITING);
    assertThat(environment(waiting, "dev").state()).isEqualTo(EnvironmentState.AWAITING_WINDOW);
    assertThat(environment(waiting, "dev").waitingFor()).contains("outside Mon-Fri 09:00-17:00");
    assertThat(deployments.calls("deploy", "dev")).isEmpty();

    // time skipping: 62 hours pass in milliseconds; the release must still be parked a minute before
    env.sleep(Duration.ofHours(61));
    assertThat(release.status().stage()).isEqualTo("window:dev");
    env.sleep(Duration.ofHours(2));
    awaitStatus(release, s -> "approval:production".equals(s.stage()));
    assertThat(env.currentTimeMillis()).isGreaterThanOrEqualTo(start + 62 * HOUR);
    assertThat(window.checks).as("hourly re-checks while closed, not a busy loop").hasSizeBetween(3, 200);
    release.approve(dev.gantry.workflows.api.approval.ApprovalSignal.of("alice", Releases.DIGEST, "ok"));
    release.approve(dev.gantry.workflows.api.approval.ApprovalSignal.of("bob", Releases.DIGEST, "ok"));
    assertThat(WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class).state())
        .isEqualTo(ReleaseState.SUCCEEDED);
  }

  @Test
  void aFreezeAddedWhileWaitingIsHonouredAndAnOverrideEndsTheWait() {
    window.opensAt = env.currentTimeMillis() + 10 * HOUR;
    ReleaseWorkflow release = start(plan(null, null, berlinOfficeHours()));
    awaitStatus(release, s -> "window:dev".equals(s.stage()));
    release.freeze(new FreezeSignal("dev", "2026-12-01", "2027-12-31", "migration freeze", "alice"));
    ReleaseStatus frozen = awaitStatus(release, s -> environment(s, "dev").waitingFor() != null
        && environment(s, "dev").waitingFor().contains("migration freeze"));
    assertThat(frozen.state()).isEqualTo(ReleaseState.WAITING);
    assertThat(window.checks.get(window.checks.size() - 1).extraFreezes()).hasSize(1);

    release.freeze(new FreezeSignal("dev", "yesterday", "tomorrow", null, "mallory"));
    awaitStatus(release, s -> s.timeline().stream().anyMatch(e -> e.event().startsWith("freeze refused")));

    release.override(new OverrideSignal("erin", "window", "security fix, cannot wait", "INC-77", "dev", null));
    // dev goes on at once; staging has its own window and waits there
    ReleaseStatus moved = awaitStatus(release, s -> "window:staging".equals(s.stage()));
    assertThat(moved.gates()).filteredOn(g -> g.gate().equals("window")).singleElement()
        .satisfies(g -> {
          assertThat(g.environment()).isEqualTo("dev");
          assertThat(g.outcome()).isEqualTo("overridden");
          assertThat(g.detail()).contains("migration freeze");
        });
    assertThat(deployments.calls("deploy", "dev")).isNotEmpty();
  }

  @Test
  void aChangeBoardDecisionOpensTheGateAndTheChangeIsClosedWithTheResult() {
    ReleaseWorkflow release = start(plan(null,
        new CabPolicy(CabPolicy.WEBHOOK, "https://cab.example/hooks", null, "CAB", 60, 24), null));
    awaitStatus(release, s -> s.timeline().stream().anyMatch(e -> e.event().startsWith("change CHG0001 opened")));
    assertThat(environment(release.status(), "dev").state()).isEqualTo(EnvironmentState.AWAITING_CHANGE_BOARD);
    release.cabDecision(new CabDecisionSignal("dev", "not-the-ticket", CabDecision.APPROVED, "cab", null));
    release.cabDecision(new CabDecisionSignal("dev", "chg-dev", CabDecision.APPROVED, "cab-chair", "ok"));
    awaitStatus(release, s -> s.timeline().stream().anyMatch(e -> "staging".equals(e.environment())
        && e.event().startsWith("change CHG0001 opened")));
    assertThat(deployments.calls("deploy", "dev")).isNotEmpty();
    assertThat(board.closed).singleElement().satisfies(close -> {
      assertThat(close.successful()).isTrue();
      assertThat(close.ticket().id()).isEqualTo("chg-dev");
    });
    assertThat(release.status().timeline()).anySatisfy(e ->
        assertThat(e.event()).contains("change board decision refused").contains("not-the-ticket"));

    release.cabDecision(new CabDecisionSignal("staging", "chg-staging", CabDecision.REJECTED, "cab-chair",
        "freeze week"));
    WorkflowFailedException failure = failure(release);
    assertThat(failureOfType(failure, Failures.GATE_FAILED).getOriginalMessage())
        .isEqualTo("staging: change CHG0001 rejected by cab-chair: freeze week");
    assertThat(deployments.calls("deploy", "staging")).isEmpty();
    assertThat(board.closed).hasSize(2);
    assertThat(board.closed.get(1).successful()).isFalse();
  }

  @Test
  void anUnreachableBoardDoesNotFailAWaitingRelease() {
    board.unreachableFor = 3;
    ReleaseWorkflow release = start(plan(null,
        new CabPolicy(CabPolicy.SERVICENOW, "https://acme.service-now.example", "SN_TOKEN", "CAB", 60, 24), null));
    awaitStatus(release, s -> s.timeline().stream().anyMatch(e -> e.event().contains("cannot read change")));
    env.sleep(Duration.ofMinutes(30));
    assertThat(release.status().stage()).isEqualTo("cab:dev");
    assertThat(board.calls.stream().filter(c -> c.equals("read")).count()).isGreaterThan(3);
  }

  @Test
  void aCancelledReleaseClosesItsChangeAndSaysWhyInTheAuditTrail() {
    window.opensAt = Long.MAX_VALUE;
    ReleaseWorkflow release = start(plan(null,
        new CabPolicy(CabPolicy.WEBHOOK, "https://cab.example/hooks", null, "CAB", 60, 24), berlinOfficeHours()));
    awaitStatus(release, s -> s.timeline().stream().anyMatch(e -> e.event().startsWith("change CHG0001 opened")));
    release.cabDecision(new CabDecisionSignal("dev", "chg-dev", CabDecision.APPROVED, "cab-chair", "ok"));
    awaitStatus(release, s -> "window:dev".equals(s.stage()));

    WorkflowStub.fromTyped(release).cancel();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
        () -> WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class)))
        .isInstanceOf(WorkflowFailedException.class);
    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.failureReason()).isEqualTo("the release was cancelled");
    assertThat(environment(status, "dev").state()).isEqualTo(EnvironmentState.FAILED);
    assertThat(board.closed).singleElement().satisfies(close -> {
      assertThat(close.successful()).isFalse();
      assertThat(close.notes()).contains("cancelled");
    });
    assertThat(audit.events.get(audit.events.size() - 1).detail()).isEqualTo("the release was cancelled");
  }

  @Test
  void anAbortWritesItsReasonAndWhoSentItIntoTheTrail() {
    window.opensAt = Long.MAX_VALUE;
    ReleaseWorkflow release = start(plan(null, null, berlinOfficeHours()));
    awaitStatus(release, s -> "window:dev".equals(s.stage()));

    WorkflowStub.fromTyped(release).cancel(Aborts.reason("alice", "wrong build\nforged line"));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(
        () -> WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class)))
        .isInstanceOf(WorkflowFailedException.class);
    ReleaseStatus status = release.status();
    assertThat(status.failureReason()).isEqualTo("the release was aborted by alice: wrong build forged line");
    assertThat(audit.events).anySatisfy(event -> {
      assertThat(event.outcome()).isEqualTo("aborted");
      assertThat(event.actor()).isEqualTo("alice");
      assertThat(event.detail()).isEqualTo("wrong build forged line");
    });
    assertThat(audit.events.get(audit.events.size() - 1).detail())
        .isEqualTo("the release was aborted by alice: wrong build forged line");
  }

  private static DeploymentWindowPolicy berlinOfficeHours() {
    return new DeploymentWindowPolicy("Europe/Berlin",
        List.of(new dev.gantry.workflows.api.window.WeeklyWindow(List.of("MON-FRI"), "09:00", "17:00")),
        List.of(), List.of(), List.of());
  }

  /** The example with the given automated gates on dev and staging (production keeps its approvals). */
  private static ReleaseRequest plan(QualityGatePolicy quality, CabPolicy cab, DeploymentWindowPolicy window) {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>();
    for (EnvironmentPlan e : example.environments()) {
      boolean gated = !e.name().equals("production");
      environments.add(e.toBuilder()
          .quality(gated ? quality : null)
          .cab(gated ? cab : null)
          .window(gated ? window : null)
          .build());
    }
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        example.requestedBy(), example.specSource(), "/etc/gantry/approvers.yaml");
  }

  private ReleaseWorkflow start(ReleaseRequest request) {
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build());
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
