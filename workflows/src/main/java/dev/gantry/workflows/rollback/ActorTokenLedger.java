package dev.gantry.workflows.rollback;

import dev.gantry.workflows.api.artifact.Sha256;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * Spends a signed token's one-time id outside a release (which remembers its own): a child
 * {@link ActorTokenSpentWorkflow} whose id is the id's hash, started with {@code REJECT_DUPLICATE}, so the same
 * token never counts twice, whichever workflow it was sent to. Workflow code only.
 */
public final class ActorTokenLedger {
  private ActorTokenLedger() {}

  /** True when this is the token's first use; false when it was already spent. */
  public static boolean spend(String jti) {
    ActorTokenSpentWorkflow ledger = Workflow.newChildWorkflowStub(ActorTokenSpentWorkflow.class,
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId("actor-token/" + Sha256.hex(jti))
            .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
            .setWorkflowExecutionTimeout(Duration.ofMinutes(5))
            .build());
    try {
      ledger.spent(Workflow.getInfo().getWorkflowId());
      return true;
    } catch (TemporalFailure failure) {
      return false;
    }
  }
}
