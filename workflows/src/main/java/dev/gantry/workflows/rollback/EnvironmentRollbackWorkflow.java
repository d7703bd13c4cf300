package dev.gantry.workflows.rollback;

import dev.gantry.workflows.api.rollback.EnvironmentRollbackRequest;
import dev.gantry.workflows.api.rollback.EnvironmentRollbackResult;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * An operator's rollback of a released version in one environment, id
 * {@code rollback/<app>/<version>/<env>}: region by region, the later waves first and the primary last,
 * each region goes back to what it ran before that version; regions where the version is no longer
 * current are left alone.
 */
@WorkflowInterface
public interface EnvironmentRollbackWorkflow {

  @WorkflowMethod(name = "EnvironmentRollback")
  EnvironmentRollbackResult rollBack(EnvironmentRollbackRequest request);
}
