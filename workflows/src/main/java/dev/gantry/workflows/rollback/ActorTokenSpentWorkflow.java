package dev.gantry.workflows.rollback;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A signed token spent outside a release (an environment rollback's; a drain or failback sent to a traffic
 * owner). Its workflow id, {@code actor-token/<sha-256 of the jti>}, is the ledger: the spender starts one as a
 * child ({@link ActorTokenLedger}) with {@code REJECT_DUPLICATE} before it changes anything, so a token used once
 * (its id still in Temporal's retention, which is days, against a token's one hour at most) cannot count again.
 */
@WorkflowInterface
public interface ActorTokenSpentWorkflow {
  /** Returns who spent it (the spending workflow's id); does nothing else. */
  @WorkflowMethod(name = "ActorTokenSpent")
  String spent(String by);
}
