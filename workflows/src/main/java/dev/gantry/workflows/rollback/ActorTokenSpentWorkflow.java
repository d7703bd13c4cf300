package dev.gantry.workflows.rollback;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A signed token spent outside a release (today: an environment rollback's). Its workflow id,
 * {@code actor-token/<sha-256 of the jti>}, is the ledger: a rollback starts one as a child with
 * {@code REJECT_DUPLICATE} before it changes anything, so a token used once (its id still in Temporal's
 * retention, which is days, against a token's one hour at most) cannot start it again.
 */
@WorkflowInterface
public interface ActorTokenSpentWorkflow {
  /** Returns who spent it (the spending workflow's id); does nothing else. */
  @WorkflowMethod(name = "ActorTokenSpent")
  String spent(String by);
}
