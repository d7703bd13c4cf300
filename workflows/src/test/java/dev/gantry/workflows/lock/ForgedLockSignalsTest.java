package dev.gantry.workflows.lock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.lock.LockAnswer;
import dev.gantry.workflows.api.lock.LockClaims;
import dev.gantry.workflows.api.lock.LockRelease;
import dev.gantry.workflows.api.lock.LockRequest;
import dev.gantry.workflows.api.lock.LockState;
import dev.gantry.workflows.api.lock.Locks;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.ReleaseWorkflow;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import dev.gantry.workflows.support.Watch;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anyone who may signal a workflow can send a lock's {@code request} and {@code release}, or a release's
 * {@code lockAnswer}: none of them may move an environment lock. Another run holds {@code lock/hello-service/dev}
 * (a stand-in that answers {@code lockClaims} as a release does); the release waits behind it, and forged
 * signals neither let it in, nor free the lock, nor put a made-up release in the queue. When the holder really
 * leaves, the release goes on.
 */
class ForgedLockSignalsTest {
  private static final String LOCK = Locks.id(Releases.APP, "dev");
  private static final String HOLDER = "release/hello-service/0.9.0";

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  private final FakeDeploymentActivities deployments = new FakeDeploymentActivities();
  private WorkflowClient client;

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    client = env.getWorkflowClient();
    Releases.startWorker(env, List.of(OtherHolderImpl.class), deployments);
  }

  @Test
  void forgedSignalsNeitherTakeNorFreeNorQueueAndTheRealLeaveLetsTheReleaseIn() {
    EnvironmentLockWorkflow lock = client.newWorkflowStub(EnvironmentLockWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(LOCK).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(lock::run, new LockState(LOCK, null, List.of()));
    OtherHolder holder = client.newWorkflowStub(OtherHolder.class,
        WorkflowOptions.newBuilder().setWorkflowId(HOLDER).setTaskQueue(TaskQueues.RELEASE).build());
    WorkflowClient.start(holder::hold, LOCK);
    awaitHolder(lock, HOLDER);

    ReleaseRequest request = Releases.example();
    ReleaseWorkflow release = client.newWorkflowStub(ReleaseWorkflow.class, Releases.releaseOptions(request).build());
    WorkflowClient.start(release::run, request);
    ReleaseStatus waiting = Watch.awaitStatus(release, s -> "lock:dev".equals(s.stage()));
    assertThat(waiting.state()).isEqualTo(ReleaseState.WAITING);

    // a client tells the release it has the lock
    WorkflowStub.fromTyped(release).signal("lockAnswer", new LockAnswer(LOCK, Locks.GRANTED, request.releaseId(),
        "granted"));
    // a client frees the lock in the holder's name, and queues a release that does not exist
    lock.release(new LockRelease(HOLDER, null, "forged"));
    lock.request(new LockRequest(LOCK, "hello-service", "dev", "release/hello-service/6.6.6", "no-such-run",
        Locks.WAIT, null));
    sleepAFewTasks();

    assertThat(lock.state().holder().releaseId()).as("the lock still holds for the real holder").isEqualTo(HOLDER);
    assertThat(lock.state().queue()).extracting(LockRequest::releaseId)
        .as("only the real release waits").containsExactly(request.releaseId());
    assertThat(release.status().stage()).as("the release still waits").isEqualTo("lock:dev");
    assertThat(deployments.calls("deploy", "dev")).as("nothing deployed to dev").isEmpty();

    holder.leave();
    ReleaseStatus entered = Watch.awaitStatus(release, s -> "approval:production".equals(s.stage()));
    assertThat(entered.timeline()).anySatisfy(line -> assertThat(line.event()).contains("dev is free"));
    assertThat(deployments.calls("deploy", "dev")).isNotEmpty();
  }

  private void awaitHolder(EnvironmentLockWorkflow lock, String releaseId) {
    for (int i = 0; i < 200; i++) {
      LockState state = lock.state();
      if (state.holder() != null && releaseId.equals(state.holder().releaseId())) {
        return;
      }
      sleepAFewTasks();
    }
    throw new AssertionError(releaseId + " never held " + LOCK + ": " + lock.state());
  }

  private static void sleepAFewTasks() {
    try {
      Thread.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Another release's run holding the lock, as the release workflow does it (request, claims, release). */
  @WorkflowInterface
  public interface OtherHolder {
    @WorkflowMethod(name = "OtherLockHolder")
    void hold(String lockId);

    @SignalMethod(name = "lockAnswer")
    void lockAnswer(LockAnswer answer);

    @SignalMethod(name = "leave")
    void leave();

    @QueryMethod(name = "lockClaims")
    LockClaims lockClaims();
  }

  public static class OtherHolderImpl implements OtherHolder {
    private String asking;
    private List<String> holding = List.of();
    private boolean granted;
    private boolean leave;

    @Override
    public void hold(String lockId) {
      String id = Workflow.getInfo().getWorkflowId();
      String run = Workflow.getInfo().getRunId();
      asking = lockId;
      Workflow.newExternalWorkflowStub(EnvironmentLockWorkflow.class, lockId)
          .request(new LockRequest(lockId, "hello-service", "dev", id, run, Locks.WAIT, null));
      Workflow.await(() -> granted);
      asking = null;
      holding = List.of(lockId);
      Workflow.await(() -> leave);
      holding = List.of();
      Workflow.newExternalWorkflowStub(EnvironmentLockWorkflow.class, lockId).release(new LockRelease(id, run, "done"));
      Workflow.sleep(Duration.ofSeconds(1));
    }

    @Override
    public void lockAnswer(LockAnswer answer) {
      granted |= Locks.GRANTED.equals(answer.outcome());
    }

    @Override
    public void leave() {
      leave = true;
    }

    @Override
    public LockClaims lockClaims() {
      return new LockClaims(true, true, asking, holding);
    }
  }
}
