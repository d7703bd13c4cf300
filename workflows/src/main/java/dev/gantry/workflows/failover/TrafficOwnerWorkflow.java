package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The one owner of an application's traffic on one DNS name, id {@code traffic/<app>/<dns name>}: it reads
 * every region's health, and it alone writes the Route 53 weights, by compare-and-set. An unhealthy region
 * is failed over (0), a drained one stays at 0, both until a named person approves the failback; the
 * serving regions share the traffic; with no region able to serve it keeps the last weights and says so.
 * Started by whichever client or old per-region watch needs it first (update-with-start, or a start that
 * uses the running one); runs until stopped (continue-as-new keeps its history short).
 */
@WorkflowInterface
public interface TrafficOwnerWorkflow {

  @WorkflowMethod(name = "TrafficOwner")
  TrafficOwnerStatus own(TrafficOwnerRequest request);

  /** An operator drains a region now, healthy or not (CLI): the caller learns at once if it was refused. */
  @UpdateMethod(name = "drain")
  TrafficDecision drain(TrafficCommand command);

  @UpdateValidatorMethod(updateName = "drain")
  void validateDrain(TrafficCommand command);

  /** The same from the Temporal UI or an old per-region watch handing over; a refused one is logged. */
  @SignalMethod(name = "drainRegion")
  void drainRegion(TrafficCommand command);

  /** Approves giving a failed-over or drained region its traffic back (CLI). */
  @UpdateMethod(name = "submitFailbackApproval")
  TrafficDecision submitFailbackApproval(TrafficFailback approval);

  @UpdateValidatorMethod(updateName = "submitFailbackApproval")
  void validateFailbackApproval(TrafficFailback approval);

  /** The same approval from the Temporal UI; a refused one is recorded in the log and the audit trail. */
  @SignalMethod(name = "approveFailback")
  void approveFailback(TrafficFailback approval);

  /** Ends the ownership, leaving the weights as they are. */
  /** Who a destroy's stop comes from: in a signed environment the owner then asks whether that destroy is approved. */
  String DESTROY_SENDER = "gantry";

  @SignalMethod(name = "stop")
  void stop(TrafficCommand command);

  @QueryMethod(name = "status")
  TrafficOwnerStatus status();
}
