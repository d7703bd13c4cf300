package dev.gantry.workflows.release;

import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One release of one application version, id {@code release/<app>/<version>}: walks the promotion path,
 * holds at each environment's approval gate, deploys the environment's regions wave by wave, and rolls
 * back the regions it changed in an environment where a region fails. Returns the release report.
 */
@WorkflowInterface
public interface ReleaseWorkflow {

  @WorkflowMethod(name = "Release")
  ReleaseStatus run(ReleaseRequest request);

  /**
   * Approve the environment whose gate is open. From the Temporal UI: signal {@code approve} with
   * {@code {"approver": "alice", "comment": "LGTM"}}. A malformed or unauthorized approval is refused
   * and recorded; the release goes on waiting.
   */
  @SignalMethod(name = "approve")
  void approve(ApprovalSignal approval);

  @QueryMethod(name = "status")
  ReleaseStatus status();
}
