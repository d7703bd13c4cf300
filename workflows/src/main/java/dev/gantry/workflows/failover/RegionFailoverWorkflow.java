package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.traffic.FailbackApproval;
import dev.gantry.workflows.api.traffic.FailoverCommand;
import dev.gantry.workflows.api.traffic.FailoverDecision;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Watches one region of an environment, id {@code failover/<app>/<env>/<region>}: while the region is
 * unhealthy (or an operator says so) its Route 53 weight goes to the healthy regions, automatically and
 * audited; it gets its traffic back only when it has recovered and a named person approved the failback.
 * Runs until stopped (continue-as-new keeps its history short).
 */
@WorkflowInterface
public interface RegionFailoverWorkflow {

  @WorkflowMethod(name = "RegionFailover")
  RegionFailoverStatus watch(RegionFailoverRequest request);

  /** Operator-initiated failover (CLI): the caller learns at once whether it was accepted. */
  @UpdateMethod(name = "submitFailover")
  FailoverDecision submitFailover(FailoverCommand command);

  @UpdateValidatorMethod(updateName = "submitFailover")
  void validateFailover(FailoverCommand command);

  /** Approves giving a recovered region its traffic back (CLI). */
  @UpdateMethod(name = "submitFailbackApproval")
  FailoverDecision submitFailbackApproval(FailbackApproval approval);

  @UpdateValidatorMethod(updateName = "submitFailbackApproval")
  void validateFailbackApproval(FailbackApproval approval);

  /** The same approval from the Temporal UI; a refused one is recorded in the status log. */
  @SignalMethod(name = "approveFailback")
  void approveFailback(FailbackApproval approval);

  /** Ends the watch, leaving the traffic as it is. */
  @SignalMethod(name = "stop")
  void stop(FailoverCommand command);

  @QueryMethod(name = "status")
  RegionFailoverStatus status();
}
