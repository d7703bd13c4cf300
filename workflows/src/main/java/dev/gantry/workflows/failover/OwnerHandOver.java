package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.traffic.FailoverCommand;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/**
 * How a per-region watch gives its region to the traffic owner, the one writer of an application's weights: it
 * starts the owner (a child left running when the watch ends) unless it runs already, and passes it the drain
 * the watch was about to make.
 */
final class OwnerHandOver {
  private OwnerHandOver() {}

  /** The workflow id of the owner of the watched name. */
  static String ownerId(RegionFailoverRequest request) {
    return ReleaseIds.traffic(request.application(), request.target().aws() == null
        || request.target().aws().route53() == null ? null : request.target().aws().route53().recordName());
  }

  /** Hands over; says what it did. {@code drain}: the region's drain to ask the owner for, or null. */
  static String handOver(RegionFailoverRequest request, FailoverCommand drain) {
    String ownerId = ownerId(request);
    TrafficOwnerWorkflow owner = Workflow.newChildWorkflowStub(TrafficOwnerWorkflow.class,
        ChildWorkflowOptions.newBuilder().setWorkflowId(ownerId)
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
            .build());
    Async.function(owner::own, new TrafficOwnerRequest(request.application(), request.environment(),
        request.regions(), request.target(), request.healthCheck(), request.pollSeconds(),
        request.failbackApprovers(), null));
    String how;
    try {
      Workflow.getWorkflowExecution(owner).get();
      how = "started the traffic owner " + ownerId;
    } catch (TemporalFailure running) {
      how = "the traffic owner " + ownerId + " runs already";
    }
    if (drain != null) {
      Workflow.newExternalWorkflowStub(TrafficOwnerWorkflow.class, ownerId)
          .drainRegion(new TrafficCommand(request.region(), drain.requestedBy(), drain.reason()));
      how += "; asked it to drain " + request.region() + " (" + drain.reason() + ")";
    }
    return how;
  }
}
