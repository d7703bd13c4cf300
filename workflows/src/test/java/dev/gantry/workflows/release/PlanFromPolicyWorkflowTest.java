package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.policy.PolicyActivities;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.PlanAsGiven;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.Watch;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The workflow's side of the trust boundary: the plan comes from the policy activity, never the input. */
class PlanFromPolicyWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension testWorkflow = Releases.extension();

  @Test
  void aRefusedRequestFailsAtOnceWithTheReasonAndKeepsNoHostileValue(TestWorkflowEnvironment env) {
    PolicyActivities refusing = request -> {
      throw ApplicationFailure.newNonRetryableFailure("field 'application' is '../../shop': a lowercase name",
          Failures.POLICY_REFUSED);
    };
    Releases.startWorker(env, refusing);
    ReleaseRequest hostile = ReleaseRequest.request("../../shop", "1.0.0",
        ArtifactRef.file("/x", Releases.DIGEST), "dana\n\u001b[2J", null, "x".repeat(100_000), null, null);
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub("Release",
        WorkflowOptions.newBuilder().setWorkflowId("release/crafted/1").setTaskQueue(TaskQueues.RELEASE).build());
    stub.start(hostile);

    Throwable failure = catchThrowable(() -> stub.getResult(ReleaseStatus.class));
    assertThat(failure).isInstanceOf(WorkflowFailedException.class);
    assertThat(failure.getCause()).isInstanceOfSatisfying(ApplicationFailure.class, cause -> {
      assertThat(cause.getType()).isEqualTo(Failures.POLICY_REFUSED);
      assertThat(cause.getOriginalMessage()).startsWith("refused: field 'application'");
    });
    ReleaseStatus status = stub.query("status", ReleaseStatus.class);
    assertThat(status.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(status.releaseId()).isEqualTo("release/crafted/1");
    assertThat(status.application()).as("an ill-formed name is not kept").isNull();
    assertThat(status.requestedBy()).isNull();
    assertThat(status.environments()).isEmpty();
    assertThat(status.toString()).doesNotContain("xxxxxxxxxx").doesNotContain("\u001b");
  }

  @Test
  void theWorkflowRunsThePlanPolicyReturnsAndRecordsItsStamp(TestWorkflowEnvironment env) {
    AtomicReference<ReleaseRequest> asked = new AtomicReference<>();
    ReleaseRequest plan = Releases.example();
    PolicyActivities policy = request -> {
      asked.set(request);
      return new PlanAsGiven().resolvePlan(plan);
    };
    Releases.startWorker(env, policy, new FakeDeploymentActivities());
    ReleaseRequest shortRequest = ReleaseRequest.request(Releases.APP, Releases.VERSION, plan.artifact(), "dana",
        null, "test", null, null);
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub("Release",
        Releases.releaseOptions(shortRequest).build());
    stub.start(shortRequest);
    // sent with the start, before the plan exists: it waits for the plan, then holds the release
    stub.signal("pause", new PauseSignal("erin", "hold before anything starts"));
    ReleaseWorkflow release = env.getWorkflowClient().newWorkflowStub(ReleaseWorkflow.class, "release/hello-service/1.4.0");
    Watch.awaitStatus(release, status -> "paused".equals(status.stage()));
    stub.signal("resume", new PauseSignal("erin", "go"));
    Watch.awaitStatus(release, status -> status.state() == ReleaseState.AWAITING_APPROVAL);
    stub.signal("approve", ApprovalSignal.of("alice", Releases.DIGEST, "ok"));
    stub.signal("approve", ApprovalSignal.of("bob", Releases.DIGEST, "ok"));

    ReleaseStatus done = stub.getResult(ReleaseStatus.class);
    assertThat(asked.get().environments()).as("the input carried no plan").isNull();
    assertThat(done.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(done.policy()).isEqualTo(PlanAsGiven.STAMP);
    assertThat(done.timeline()).anySatisfy(entry -> assertThat(entry.event())
        .startsWith("plan resolved from the platform policy sha256:000000000000"))
        .anySatisfy(entry -> assertThat(entry.event()).startsWith("PAUSED by erin"));
  }

  @Test
  void aPlanForAnotherReleaseThanTheWorkflowIdIsRefused(TestWorkflowEnvironment env) {
    ReleaseRequest other = Releases.example("other-app", "9.9.9");
    Releases.startWorker(env, (PolicyActivities) request -> new PlanAsGiven().resolvePlan(other),
        new FakeDeploymentActivities());
    ReleaseRequest request = ReleaseRequest.request(Releases.APP, Releases.VERSION, other.artifact(), "dana", null,
        "test", null, null);
    WorkflowStub stub = env.getWorkflowClient().newUntypedWorkflowStub("Release",
        Releases.releaseOptions(request).build());
    stub.start(request);
    Throwable failure = catchThrowable(() -> stub.getResult(ReleaseStatus.class));
    assertThat(failure.getCause()).hasMessageContaining("is not this release's id release/other-app/9.9.9");
  }
}
