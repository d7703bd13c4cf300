package dev.gantry.starter.client;

import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TERMINATED;
import static io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Temporal's word on a release against what the release last said of itself. */
class ReleaseExecutionTest {
  private static final String ID = "release/hello-service/1.4.0";

  @Test
  void aRunningReleaseIsListedAsItSaysAClosedOneAsTemporalSays() {
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_RUNNING, "AWAITING_APPROVAL"))
        .isEqualTo("AWAITING_APPROVAL");
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_RUNNING, null)).isEqualTo("RUNNING");
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_TERMINATED, "AWAITING_APPROVAL"))
        .isEqualTo("TERMINATED");
    // the attack on a real server: terminated for an oversized result after it had published SUCCEEDED
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_TERMINATED, "SUCCEEDED")).isEqualTo("TERMINATED");
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_TIMED_OUT, "WAITING")).isEqualTo("TIMED_OUT");
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_CANCELED, "FAILED")).isEqualTo("CANCELED");
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_FAILED, "RUNNING")).isEqualTo("FAILED");
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_COMPLETED, "SUCCEEDED")).isEqualTo("SUCCEEDED");
    // it says it ended, but Temporal has not closed it (its last audit events, a result the server may refuse)
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_RUNNING, "SUCCEEDED")).isEqualTo("RUNNING");
    // a value no release sets: whoever started the workflow chose it
    assertThat(ReleaseExecution.listed(WORKFLOW_EXECUTION_STATUS_RUNNING, "\u001b[2JPWNED")).isEqualTo("UNKNOWN");
  }

  @Test
  void aReleaseHasEndedWhenTemporalSaysSo() {
    ReleaseStatus finishing = new ReleaseStatus(ID, "hello-service", "1.4.0", "sha256:abc", "dana",
        ReleaseState.SUCCEEDED, "done", List.of(), List.of(), List.of(), "2026-12-04T10:00:00Z",
        "2026-12-04T11:00:00Z", null, List.of(), List.of(), List.of());
    ReleaseStatus shown = execution(WORKFLOW_EXECUTION_STATUS_RUNNING, null).reconcile(finishing);
    assertThat(shown.state()).isEqualTo(ReleaseState.RUNNING);
    assertThat(shown.stage()).isEqualTo("done");
    assertThat(execution(WORKFLOW_EXECUTION_STATUS_COMPLETED, null).reconcile(finishing).state())
        .isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(execution(WORKFLOW_EXECUTION_STATUS_TERMINATED, "terminated").reconcile(finishing).state())
        .as("the server refused its result").isEqualTo(ReleaseState.TERMINATED);
  }

  @Test
  void aStatusFilterFindsWhatTheListShows() {
    assertThat(ReleaseExecution.listFilter("running"))
        .isEqualTo("ExecutionStatus = 'Running' AND GantryStatus IN ('RUNNING', 'SUCCEEDED', 'FAILED')");
    assertThat(ReleaseExecution.listFilter("awaiting_approval"))
        .isEqualTo("GantryStatus = 'AWAITING_APPROVAL' AND ExecutionStatus = 'Running'");
    assertThat(ReleaseExecution.listFilter("succeeded")).isEqualTo("ExecutionStatus = 'Completed'");
    assertThat(ReleaseExecution.listFilter("FAILED")).isEqualTo("ExecutionStatus = 'Failed'");
    assertThat(ReleaseExecution.listFilter("terminated")).isEqualTo("ExecutionStatus = 'Terminated'");
    assertThat(ReleaseExecution.listFilter("timed_out")).isEqualTo("ExecutionStatus = 'TimedOut'");
    assertThat(ReleaseExecution.listFilter("cancelled")).isEqualTo("ExecutionStatus = 'Canceled'");
    assertThatThrownBy(() -> ReleaseExecution.listFilter("x' OR 1=1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a release state");
  }

  @Test
  void aTerminatedReleaseShowsHowWhenAndWhyAndWaitsForNothing() {
    ReleaseStatus said = waiting();
    ReleaseExecution terminated = execution(WORKFLOW_EXECUTION_STATUS_TERMINATED,
        ReleaseExecution.closeReason(WORKFLOW_EXECUTION_STATUS_TERMINATED, "ops@host", "stuck release"));

    ReleaseStatus shown = terminated.reconcile(said);
    assertThat(shown.state()).isEqualTo(ReleaseState.TERMINATED);
    assertThat(shown.state().isFinal()).isTrue();
    assertThat(shown.stage()).as("where it stopped").isEqualTo("approval:production");
    assertThat(shown.finishedAt()).isEqualTo("2026-12-04T12:00:00Z");
    assertThat(shown.failureReason()).isEqualTo("terminated by ops@host: stuck release");
    assertThat(shown.environments()).singleElement().satisfies(env -> {
      assertThat(env.state()).isEqualTo(EnvironmentState.AWAITING_APPROVAL);
      assertThat(env.waitingFor()).isNull();
    });
    assertThat(execution(WORKFLOW_EXECUTION_STATUS_RUNNING, null).reconcile(said)).isSameAs(said);
  }

  @Test
  void aCancelledReleaseKeepsItsOwnReason() {
    ReleaseStatus failed = new ReleaseStatus(ID, "hello-service", "1.4.0", "sha256:abc", "dana", ReleaseState.FAILED,
        "failed", List.of(), List.of(), List.of(), "2026-12-04T10:00:00Z", "2026-12-04T11:00:00Z",
        "the release was cancelled", List.of(), List.of(), List.of());
    ReleaseStatus shown = execution(WORKFLOW_EXECUTION_STATUS_CANCELED, "cancelled").reconcile(failed);
    assertThat(shown.state()).isEqualTo(ReleaseState.CANCELED);
    assertThat(shown.failureReason()).isEqualTo("the release was cancelled");
    assertThat(shown.finishedAt()).isEqualTo("2026-12-04T11:00:00Z");
  }

  @Test
  void aClosedReleaseWhoseQueryFailsShowsWhatTemporalKnows() {
    ReleaseStatus shown = execution(WORKFLOW_EXECUTION_STATUS_TERMINATED, "terminated by the server")
        .withoutQuery("Blob data size exceeds limit\nat io.grpc...");
    assertThat(shown.state()).isEqualTo(ReleaseState.TERMINATED);
    assertThat(shown.application()).isEqualTo("hello-service");
    assertThat(shown.stage()).isEqualTo("approval:production");
    assertThat(shown.failureReason()).isEqualTo("terminated by the server; its status query did not answer"
        + " (Blob data size exceeds limit at io.grpc...): this is what Temporal knows of it");
    assertThat(StatusView.render(shown)).contains(ID + "  TERMINATED (approval:production)")
        .contains("artifact -, requested by -").contains("failure: terminated by the server");
  }

  @Test
  void aCloseReasonIsOneShortLineWhateverWasTyped() {
    String reason = ReleaseExecution.closeReason(WORKFLOW_EXECUTION_STATUS_TERMINATED, "x",
        "\u001b[2J" + "r".repeat(10_000) + "\nforged");
    assertThat(reason).hasSizeLessThanOrEqualTo(ReleaseExecution.REASON_CHARS).startsWith("terminated by x: ?[2Jrrr")
        .doesNotContain("\n");
    assertThat(ReleaseExecution.closeReason(WORKFLOW_EXECUTION_STATUS_TIMED_OUT, null, null)).startsWith("timed out");
    assertThat(ReleaseExecution.closeReason(WORKFLOW_EXECUTION_STATUS_COMPLETED, null, null)).isNull();
  }

  private static ReleaseStatus waiting() {
    return new ReleaseStatus(ID, "hello-service", "1.4.0", "sha256:abc", "dana", ReleaseState.AWAITING_APPROVAL,
        "approval:production", List.of(new EnvironmentStatus("production", EnvironmentState.AWAITING_APPROVAL,
            List.of(), "2 approval(s) from alice, bob, carol")),
        List.of(), List.of(), "2026-12-04T10:00:00Z", null, null, List.of(), List.of(), List.of());
  }

  private static ReleaseExecution execution(WorkflowExecutionStatus status, String closeReason) {
    boolean closed = status != WORKFLOW_EXECUTION_STATUS_RUNNING;
    return new ReleaseExecution(ID, status, "hello-service", "1.4.0", "AWAITING_APPROVAL", "approval:production",
        "2026-12-04T10:00:00Z", closed ? "2026-12-04T12:00:00Z" : null, closeReason);
  }
}
