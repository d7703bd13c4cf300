package dev.gantry.workflows.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.GateCheck;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.SigningPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.release.ReleaseWorkflow;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Histories;
import dev.gantry.workflows.support.FakeSigning;
import dev.gantry.workflows.support.Releases;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SignatureGatesWorkflowTest {

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private static final VerificationPolicy STRICT = new VerificationPolicy(true, "/etc/gantry/trusted-keys.yaml",
      List.of(VerificationPolicy.SLSA_PROVENANCE), 24 * 30);
  private static final SigningPolicy SIGNING =
      new SigningPolicy("/etc/gantry/release.key", "GANTRY_SIGNING_PASSWORD", null, null, null);

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private final FakeSigning signing = new FakeSigning();

  @Test
  void aSignedReleaseIsVerifiedBeforeEveryEnvironmentAndInEveryRegionBeforeItsDeploy(TestWorkflowEnvironment env) {
    ReleaseStatus report = run(env, release(SIGNING, plan -> STRICT));

    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(signing.signed).hasSize(1);
    assertThat(signing.signed.get(0).policy().key()).isEqualTo("/etc/gantry/release.key");
    assertThat(report.signatures()).extracting(SignatureRef::kind)
        .containsExactly(SignatureRef.SIGNATURE, SignatureRef.ATTESTATION);
    assertThat(signing.verified.stream().filter(v -> v.region() == null).map(v -> v.environment()))
        .containsExactly("dev", "staging", "production");
    assertThat(signing.verified.stream().filter(v -> v.region() != null)).hasSize(7)
        .allSatisfy(v -> assertThat(v.signatures()).hasSize(2));
    assertThat(report.gates()).filteredOn(g -> g.gate().equals("signature")).extracting(GateCheck::outcome)
        .containsExactly("passed", "passed", "passed");
    assertThat(report.timeline()).anySatisfy(line -> assertThat(line.event())
        .contains("signed: 1 signature(s) + 1 attestation(s) (slsa.dev/provenance/v1) by key test-key-id"));
  }

  /** The signing time is the workflow's, from the history: the worker's clock does not decide it. */
  @Test
  void theSignRequestCarriesTheWorkflowsTimeAsTheSigningTime(TestWorkflowEnvironment env) {
    long before = env.currentTimeMillis();
    ReleaseStatus report = run(env, release(SIGNING, plan -> STRICT));

    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    String signedAt = signing.signed.get(0).signedAt();
    assertThat(signedAt).isNotNull();
    assertThat(java.time.Instant.parse(signedAt).toEpochMilli()).isBetween(before, env.currentTimeMillis());
    assertThat(java.time.Instant.parse(signedAt)).isAfterOrEqualTo(java.time.Instant.parse(report.startedAt()));

    // Behind its own getVersion marker, right before the sign activity; the history replays with it.
    io.temporal.common.WorkflowExecutionHistory history = env.getWorkflowClient()
        .fetchHistory(Releases.example().releaseId());
    assertThat(history.getEvents()).filteredOn(e -> e.getEventType()
        == io.temporal.api.enums.v1.EventType.EVENT_TYPE_MARKER_RECORDED)
        .anySatisfy(m -> assertThat(m.getMarkerRecordedEventAttributes().toString()).contains("trusted-signing-time"));
    try {
      io.temporal.testing.WorkflowReplayer.replayWorkflowExecution(history,
          dev.gantry.workflows.release.ReleaseWorkflowImpl.class);
    } catch (Exception e) {
      throw new AssertionError("the history with the trusted-signing-time marker does not replay", e);
    }
    Histories.record(env.getWorkflowClient(), Releases.example().releaseId(),
        "release-hello-service-1.4.0-signed-trusted-time");
  }

  @Test
  void aRejectedSignatureStopsTheReleaseBeforeAnyDeploy(TestWorkflowEnvironment env) {
    signing.tamperedAt("dev");

    assertThatThrownBy(() -> run(env, release(SIGNING, plan -> STRICT)))
        .isInstanceOf(WorkflowFailedException.class);
    ReleaseStatus report = lastStatus;

    assertThat(report.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(report.failureReason()).contains("dev: ARTIFACT_DIGEST_MISMATCH");
    assertThat(deployments.calls("deploy")).as("nothing deployed anywhere").isEmpty();
    assertThat(report.gates()).filteredOn(g -> g.gate().equals("signature"))
        .singleElement().satisfies(g -> assertThat(g.outcome()).isEqualTo("failed"));
  }

  @Test
  void aRegionThatRejectsTheArtifactDeploysNothingAndTheChangedRegionsRollBack(TestWorkflowEnvironment env) {
    signing.tamperedAt("staging/eu-west-1");

    assertThatThrownBy(() -> run(env, release(SIGNING, plan -> STRICT)))
        .isInstanceOf(WorkflowFailedException.class);
    ReleaseStatus report = lastStatus;

    assertThat(report.failureReason()).contains("signature rejected before the deploy");
    assertThat(deployments.calls("deploy", "staging")).extracting(FakeDeploymentActivities.Call::region)
        .containsExactly("us-east-1");
    assertThat(report.environments().get(1).regions())
        .filteredOn(r -> r.region().equals("us-east-1")).singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(RegionState.ROLLED_BACK));
    assertThat(deployments.calls("deploy", "production")).isEmpty();
  }

  @Test
  void anEnvironmentWithoutAVerificationPolicyIsRefused(TestWorkflowEnvironment env) {
    assertThatThrownBy(() -> run(env, release(null,
        plan -> plan.name().equals("staging") ? null : STRICT)))
        .isInstanceOf(WorkflowFailedException.class);

    assertThat(lastStatus.failureReason()).contains("staging: no signature verification policy");
    assertThat(deployments.calls("deploy", "staging")).isEmpty();
    assertThat(signing.signed).as("this release brought its own signatures").isEmpty();
  }

  @Test
  void anEnvironmentThatDoesNotRequireSignaturesSaysSoInTheReport(TestWorkflowEnvironment env) {
    ReleaseStatus report = run(env, release(SIGNING, plan -> VerificationPolicy.notRequired()));

    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(signing.verified).isEmpty();
    assertThat(report.gates()).filteredOn(g -> g.gate().equals("signature")).extracting(GateCheck::outcome)
        .containsExactly("skipped", "skipped", "skipped");
  }

  // ---------------------------------------------------------------------------------------------

  private ReleaseStatus lastStatus;

  /** The example release without the production approval, with the given signing and verification. */
  private static ReleaseRequest release(SigningPolicy signing, Function<EnvironmentPlan, VerificationPolicy> policy) {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = example.environments().stream()
        .map(plan -> plan.toBuilder()
            .approval(ApprovalPolicy.none())
            .verification(policy.apply(plan))
            .build())
        .toList();
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        example.requestedBy(), example.specSource(), null, signing);
  }

  private ReleaseStatus run(TestWorkflowEnvironment env, ReleaseRequest request) {
    Releases.startWorker(env, deployments, signing);
    ReleaseWorkflow release = env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class,
        Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    try {
      return WorkflowStub.fromTyped(release).getResult(ReleaseStatus.class);
    } finally {
      lastStatus = release.status();
    }
  }
}
