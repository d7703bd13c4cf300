package dev.gantry.workflows.release;

import static dev.gantry.workflows.support.Releases.PRODUCTION_REGIONS;
import static dev.gantry.workflows.support.Releases.VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.deploy.RollbackResult;
import dev.gantry.workflows.api.release.SearchAttributes;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.FakeDeploymentActivities.Call;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.Watch;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReleaseWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities fake = new FakeDeploymentActivities();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final ReleaseRequest request = Releases.example();

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    this.client = env.getWorkflowClient();
    Releases.startWorker(env, fake);
  }

  @Test
  void happyPathDeploysEveryRegionOfEveryEnvironmentAfterTwoApprovals() {
    ReleaseWorkflow release = start(request);

    ReleaseStatus waiting = awaitStatus(release, s -> "approval:production".equals(s.stage()));
    assertThat(waiting.state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);
    assertThat(environment(waiting, "dev").state()).isEqualTo(EnvironmentState.DEPLOYED);
    assertThat(environment(waiting, "staging").state()).isEqualTo(EnvironmentState.DEPLOYED);
    assertThat(environment(waiting, "production").state()).isEqualTo(EnvironmentState.AWAITING_APPROVAL);
    assertThat(environment(waiting, "production").waitingFor()).contains("2 approval(s)");
    assertThat(fake.calls("deploy", "production")).as("nothing reaches production before approval")
        .isEmpty();

    release.approve(ApprovalSignal.of("alice", Releases.DIGEST, "LGTM"));
    release.approve(ApprovalSignal.of("bob", Releases.DIGEST, "ship it"));
    ReleaseStatus report = result(release);

    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(report.stage()).isEqualTo("done");
    assertThat(report.failureReason()).isNull();
    assertThat(report.finishedAt()).isNotNull();
    assertThat(report.environments()).extracting(EnvironmentStatus::environment)
        .containsExactly("dev", "staging", "production");
    for (EnvironmentStatus environment : report.environments()) {
      assertThat(environment.state()).as(environment.environment()).isEqualTo(EnvironmentState.DEPLOYED);
      assertThat(environment.regions()).as(environment.environment()).isNotEmpty()
          .allSatisfy(region -> assertThat(region.state()).isEqualTo(RegionState.DEPLOYED));
    }
    assertThat(environment(report, "production").regions()).extracting(RegionStatus::region)
        .containsExactlyElementsOf(PRODUCTION_REGIONS);
    assertThat(report.approvals()).extracting(Approval::approver, Approval::accepted, Approval::environment)
        .containsExactly(
            tuple("alice", true, "production"), tuple("bob", true, "production"));
    assertThat(report.timeline()).isNotEmpty();
    assertThat(report.timeline().get(report.timeline().size() - 1).event()).contains("release succeeded");

    assertThat(fake.calls("recordDeployment")).extracting(Call::environment)
        .containsExactly("dev", "staging", "production");
    assertThat(fake.calls("deploy")).hasSize(1 + 2 + 4);
    assertThat(fake.calls("rollback")).isEmpty();
    for (String region : PRODUCTION_REGIONS) {
      assertThat(fake.currentVersion("production", region)).isEqualTo(VERSION);
    }
    assertThat(fake.currentVersion("staging", "eu-west-1")).isEqualTo(VERSION);

    // Waves: the primary is deployed and healthy before any region of the second wave is touched.
    List<Call> production = fake.calls().stream()
        .filter(c -> "production".equals(c.environment()) && c.region() != null).toList();
    assertThat(production.get(0)).extracting(Call::method, Call::region)
        .containsExactly("deploy", "us-east-1");
    assertThat(production.get(1)).extracting(Call::method, Call::region)
        .containsExactly("checkHealth", "us-east-1");

    // The release is findable by its typed search attributes.
    var attributes = WorkflowStub.fromTyped(release).describe().getTypedSearchAttributes();
    assertThat(attributes.get(SearchAttributes.STATUS)).isEqualTo("SUCCEEDED");
    assertThat(attributes.get(SearchAttributes.STAGE)).isEqualTo("done");
  }

  /**
   * The changed regions are rolled back at once: one whose API does not answer (its rollback retried, here three
   * times) does not keep the others, the primary among them, on the failed version meanwhile.
   */
  @Test
  void aRegionWhoseRollbackKeepsFailingDoesNotHoldUpTheOthers() {
    for (String region : PRODUCTION_REGIONS) {
      fake.preinstall("production", region, "1.3.0");
    }
    fake.failHealthOf("production", "eu-west-1");
    fake.failRollbacksOf("production", "ap-southeast-1", 3);
    ReleaseWorkflow release = start(request);
    approveProduction(release);
    failure(release);

    List<String> rollbacks = fake.calls().stream()
        .filter(c -> "production".equals(c.environment()) && c.method().startsWith("rollback"))
        .map(c -> c.method() + " " + c.region()).toList();
    // ap-southeast-1 succeeds only on its fourth attempt, after the retries' backoff; the others did not wait for it
    assertThat(rollbacks).filteredOn(c -> c.equals("rollback-failed ap-southeast-1")).hasSize(3);
    int apDone = rollbacks.indexOf("rollback ap-southeast-1");
    assertThat(apDone).as(rollbacks.toString()).isPositive();
    assertThat(rollbacks.indexOf("rollback us-east-1")).as(rollbacks.toString()).isBetween(0, apDone);
    assertThat(rollbacks.indexOf("rollback us-west-2")).as(rollbacks.toString()).isBetween(0, apDone);
    for (String region : PRODUCTION_REGIONS) {
      assertThat(fake.currentVersion("production", region)).as(region).isEqualTo("1.3.0");
    }
    dev.gantry.workflows.support.Histories.record(client, request.releaseId(),
        "release-hello-service-1.4.0-parallel-rollback");
  }

  @Test
  void aRegionFailingMidWaveRollsBackTheRegionsChangedInThatEnvironmentOnly() {
    for (String region : PRODUCTION_REGIONS) {
      fake.preinstall("production", region, "1.3.0");
    }
    fake.failHealthOf("production", "eu-west-1");
    ReleaseWorkflow release = start(request);
    approveProduction(release);

    WorkflowFailedException failed = failure(release);
    ApplicationFailure cause = applicationFailure(failed, Failures.REGION_FAILED);
    assertThat(cause.getOriginalMessage()).contains("eu-west-1").startsWith("production");
    assertThat(cause.isNonRetryable()).isTrue();

    // eu-west-1 rolled itself back after its health check failed (both attempts) ...
    assertThat(fake.calls("checkHealth", "production")).filteredOn(c -> c.region().equals("eu-west-1"))
        .hasSize(2);
    List<Call> rollbacks = fake.calls("rollback", "production");
    Call first = rollbacks.get(0);
    assertThat(first.region()).isEqualTo("eu-west-1");
    assertThat(((RollbackResult) first.result()).changed()).isTrue();
    // ... and the release rolled back every region whose deploy had landed.
    assertThat(rollbacks).filteredOn(c -> ((RollbackResult) c.result()).changed())
        .extracting(Call::region)
        .containsExactlyInAnyOrder("eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1");
    assertThat(rollbacks).filteredOn(c -> !c.region().equals("eu-west-1"))
        .allSatisfy(c -> assertThat((RollbackResult) c.result())
            .isEqualTo(new RollbackResult(true, "1.3.0")));
    for (String region : PRODUCTION_REGIONS) {
      assertThat(fake.currentVersion("production", region)).as(region).isEqualTo("1.3.0");
    }
    // Environments that were healthy stay on the new version.
    assertThat(fake.calls("rollback", "dev")).isEmpty();
    assertThat(fake.calls("rollback", "staging")).isEmpty();
    assertThat(fake.currentVersion("dev", "us-east-1")).isEqualTo(VERSION);
    assertThat(fake.currentVersion("staging", "us-east-1")).isEqualTo(VERSION);
    assertThat(fake.currentVersion("staging", "eu-west-1")).isEqualTo(VERSION);
    assertThat(fake.calls("recordDeployment")).extracting(Call::environment)
        .containsExactly("dev", "staging");

    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.stage()).isEqualTo("failed");
    assertThat(status.failureReason()).contains("eu-west-1");
    assertThat(environment(status, "dev").state()).isEqualTo(EnvironmentState.DEPLOYED);
    assertThat(environment(status, "staging").state()).isEqualTo(EnvironmentState.DEPLOYED);
    EnvironmentStatus production = environment(status, "production");
    assertThat(production.state()).isEqualTo(EnvironmentState.ROLLED_BACK);
    assertThat(region(production, "eu-west-1").state()).isEqualTo(RegionState.FAILED);
    for (String region : List.of("us-east-1", "us-west-2", "ap-southeast-1")) {
      assertThat(region(production, region).state()).as(region).isEqualTo(RegionState.ROLLED_BACK);
      assertThat(region(production, region).previousVersion()).as(region).isEqualTo("1.3.0");
    }
    assertThat(status.failureReason()).contains("Rolled back").doesNotContain("ROLLBACK FAILED");
  }

  @Test
  void aRegionThatAlreadyRanTheVersionIsNotRolledBack() {
    // us-west-2 runs 1.4.0 already (a re-run after a partial release, say); eu-west-1 fails
    fake.preinstall("production", "us-west-2", Releases.VERSION);
    fake.failHealthOf("production", "eu-west-1");
    ReleaseWorkflow release = start(request);
    approveProduction(release);
    failure(release);

    assertThat(fake.currentVersion("production", "us-west-2")).as("not ours to undo").isEqualTo(Releases.VERSION);
    assertThat(fake.calls("rollback", "production")).extracting(Call::region).doesNotContain("us-west-2");
    assertThat(fake.currentVersion("production", "us-east-1")).as("ours: undone").isNull();
    assertThat(release.status().timeline()).anySatisfy(e -> assertThat(e.event())
        .contains("left as it was: 1.4.0 ran there before this release"));
  }

  @Test
  void aFailingPrimaryStopsTheEnvironmentBeforeTheLaterWaves() {
    fake.failHealthOf("production", "us-east-1");
    ReleaseWorkflow release = start(request);
    approveProduction(release);

    ApplicationFailure cause = applicationFailure(failure(release), Failures.REGION_FAILED);
    assertThat(cause.getOriginalMessage()).contains("us-east-1").contains("No other region had been changed");

    assertThat(fake.calls("deploy", "production")).extracting(Call::region).containsExactly("us-east-1");
    assertThat(fake.currentVersion("production", "us-east-1")).isNull();
    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    EnvironmentStatus production = environment(status, "production");
    // the primary undid itself; no other region had changed: the environment FAILED, nothing ROLLED_BACK
    assertThat(production.state()).isEqualTo(EnvironmentState.FAILED);
    assertThat(region(production, "us-east-1").state()).isEqualTo(RegionState.FAILED);
    for (String region : List.of("us-west-2", "eu-west-1", "ap-southeast-1")) {
      assertThat(region(production, region).state()).as(region).isEqualTo(RegionState.SKIPPED);
    }
  }

  @Test
  void aFailedActivityOutsideTheRegionsStillEndsTheReleaseAsFailed() {
    fake.failRecordOf("staging");
    ReleaseWorkflow release = start(request);

    WorkflowFailedException failed = failure(release);
    assertThat(applicationFailure(failed, "RecordRefused").getOriginalMessage()).contains("refused");

    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.stage()).isEqualTo("failed");
    assertThat(status.failureReason()).contains("deployment record store refused the write");
    assertThat(environment(status, "production").state()).isEqualTo(EnvironmentState.SKIPPED);
    var attributes = WorkflowStub.fromTyped(release).describe().getTypedSearchAttributes();
    assertThat(attributes.get(SearchAttributes.STATUS)).isEqualTo("FAILED");
    assertThat(fake.calls("deploy", "production")).isEmpty();
  }

  @Test
  void startingTheSameReleaseTwiceIsRefusedWhileRunningAndAfterItCompleted() {
    ReleaseWorkflow release = start(request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));

    ReleaseWorkflow duplicate = client.newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build());
    assertThatThrownBy(() -> WorkflowClient.start(duplicate::run, request))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class)
        .satisfies(e -> assertThat(((WorkflowExecutionAlreadyStarted) e).getExecution().getWorkflowId())
            .isEqualTo("release/hello-service/1.4.0"));

    approveProduction(release);
    assertThat(result(release).state()).isEqualTo(ReleaseState.SUCCEEDED);

    ReleaseWorkflow again = client.newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build());
    assertThatThrownBy(() -> WorkflowClient.start(again::run, request))
        .isInstanceOf(WorkflowExecutionAlreadyStarted.class);
    assertThat(fake.calls("deploy")).as("the refused starts deployed nothing").hasSize(7);
  }

  @Test
  void malformedAndUnauthorizedApprovalsAreRefusedAndRecordedWhileTheReleaseKeepsWaiting() {
    ReleaseWorkflow release = start(request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));

    WorkflowStub untyped = client.newUntypedWorkflowStub(request.releaseId());
    // What a UI user could type: a bare string, a wrong field name, a number for a name.
    untyped.signal("approve", "not an object");
    untyped.signal("approve", Map.of("approverX", 1));
    untyped.signal("approve", Map.of("approver", 42));
    untyped.signal("approve", ApprovalSignal.of("mallory", Releases.DIGEST, "let me in"));
    untyped.signal("approve", ApprovalSignal.of("dana", Releases.DIGEST, "my own release"));
    untyped.signal("approve", ApprovalSignal.of("alice", Releases.DIGEST, "LGTM"));
    untyped.signal("approve", ApprovalSignal.of("alice", Releases.DIGEST, "LGTM again"));

    ReleaseStatus status = awaitStatus(release, s -> s.approvals().stream()
        .anyMatch(a -> "LGTM again".equals(a.comment())));
    assertThat(status.state()).isEqualTo(ReleaseState.AWAITING_APPROVAL);
    assertThat(status.stage()).isEqualTo("approval:production");
    assertThat(environment(status, "production").state()).isEqualTo(EnvironmentState.AWAITING_APPROVAL);
    assertThat(status.approvals()).filteredOn(Approval::accepted).extracting(Approval::approver)
        .containsExactly("alice");
    List<Approval> refused = status.approvals().stream().filter(a -> !a.accepted()).toList();
    assertThat(refused).allSatisfy(a -> assertThat(a.reason()).isNotBlank());
    assertThat(refused).anySatisfy(a -> {
      assertThat(a.approver()).isNull();
      assertThat(a.reason()).contains("approver");
    });
    assertThat(refused).anySatisfy(a ->
        assertThat(a.reason()).contains("must be one JSON object").contains("got a string"));
    assertThat(refused).anySatisfy(a ->
        assertThat(a.reason()).contains("field 'approver' must be a string"));
    assertThat(refused).anySatisfy(a -> {
      assertThat(a.approver()).isEqualTo("mallory");
      assertThat(a.reason()).contains("unknown approver");
    });
    assertThat(refused).anySatisfy(a -> {
      assertThat(a.approver()).isEqualTo("dana");
      assertThat(a.reason()).contains("separation of duties");
    });
    assertThat(refused).anySatisfy(a -> {
      assertThat(a.approver()).isEqualTo("alice");
      assertThat(a.reason()).contains("already approved");
    });
    assertThat(status.timeline()).anySatisfy(t -> assertThat(t.event()).startsWith("approval refused"));
    assertThat(fake.calls("deploy", "production")).isEmpty();

    release.approve(ApprovalSignal.of("bob", Releases.DIGEST, "ship it"));
    ReleaseStatus report = result(release);
    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(report.approvals()).filteredOn(Approval::accepted).extracting(Approval::approver)
        .containsExactly("alice", "bob");
  }

  @Test
  void theApprovalGateTimesOutWhenNobodyApproves() {
    ReleaseWorkflow release = start(request);
    awaitStatus(release, s -> "approval:production".equals(s.stage()));

    env.sleep(Duration.ofHours(71));
    assertThat(release.status().state()).as("still waiting after 71h").isEqualTo(ReleaseState.AWAITING_APPROVAL);

    ApplicationFailure cause = applicationFailure(failure(release), Failures.APPROVAL_TIMED_OUT);
    assertThat(cause.getOriginalMessage()).contains("production").contains("72h").contains("0 of 2");

    ReleaseStatus status = release.status();
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.failureReason()).contains("timed out");
    assertThat(Duration.between(Instant.parse(status.startedAt()), Instant.parse(status.finishedAt())))
        .isGreaterThanOrEqualTo(Duration.ofHours(72));
    assertThat(fake.calls("deploy", "production")).isEmpty();
    assertThat(fake.calls("recordDeployment")).extracting(Call::environment)
        .containsExactly("dev", "staging");
  }

  // ---------------------------------------------------------------------------------------------

  private ReleaseWorkflow start(ReleaseRequest request) {
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    return release;
  }

  private void approveProduction(ReleaseWorkflow release) {
    awaitStatus(release, s -> "approval:production".equals(s.stage()));
    release.approve(ApprovalSignal.of("alice", Releases.DIGEST, "LGTM"));
    release.approve(ApprovalSignal.of("bob", Releases.DIGEST, "ship it"));
  }

  private static ReleaseStatus result(ReleaseWorkflow release) {
    return WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
  }

  private static WorkflowFailedException failure(ReleaseWorkflow release) {
    try {
      ReleaseStatus unexpected = result(release);
      return fail("the release should have failed, it ended " + unexpected.state());
    } catch (WorkflowFailedException e) {
      return e;
    }
  }

  static ApplicationFailure applicationFailure(Throwable failure, String type) {
    return Watch.failureOfType(failure, type);
  }

  private static ReleaseStatus awaitStatus(ReleaseWorkflow release, Predicate<ReleaseStatus> condition) {
    return Watch.awaitStatus(release, condition);
  }

  private static EnvironmentStatus environment(ReleaseStatus status, String name) {
    return Watch.environment(status, name);
  }

  private static RegionStatus region(EnvironmentStatus environment, String name) {
    return environment.regions().stream().filter(r -> r.region().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no region " + name + " in " + environment));
  }
}
