package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.audit.AuditHead;
import dev.gantry.workflows.api.traffic.FailbackApproval;
import dev.gantry.workflows.api.traffic.FailoverCommand;
import dev.gantry.workflows.api.traffic.FailoverDecision;
import dev.gantry.workflows.api.traffic.FailoverMemory;
import dev.gantry.workflows.api.traffic.FailoverState;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.ShiftTrafficRequest;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

public class RegionFailoverWorkflowImpl implements RegionFailoverWorkflow {
  private static final Logger log = Workflow.getLogger(RegionFailoverWorkflowImpl.class);
  /** Polls per run before continue-as-new: keeps the history far below Temporal's limits. */
  static final int POLLS_PER_RUN = 500;




  private final RegionTrafficActivities health =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.FAILOVER_HEALTH);
  private final RegionTrafficActivities traffic =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.FAILOVER_SHIFT);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);
  /** The audit trail's head after this workflow's latest record (Audit.append's result; null in old histories). */
  private AuditHead auditHead;

  private final RegionFailoverRequest request;
  private FailoverState state;
  private Boolean healthy;
  private String healthDetail;
  private Map<String, Integer> weights = new LinkedHashMap<>();
  private String failedOverAt;
  private String failedOverBecause;
  private final TrafficTarget targets;
  private final TrafficTrail trail;
  /** Workflow time since which the failed-over region has been healthy without a break; null: it is not. */
  private Long recoveredSince;
  private FailoverCommand pendingFailover;
  private FailbackApproval approval;
  private FailoverCommand stopRequest;
  /** Bumped by every accepted message, so the poll loop wakes at once instead of at the next poll. */
  private int wakeups;
  private String lastRefusal;
  /** The traffic owner this watch handed over to, or null. */
  private String handedOverTo;


  @WorkflowInit
  public RegionFailoverWorkflowImpl(RegionFailoverRequest request) {
    this.request = request;
    FailoverMemory memory = request.memory();
    this.state = memory == null ? FailoverState.WATCHING : memory.state();
    if (memory != null) {
      this.failedOverAt = memory.failedOverAt();
      this.failedOverBecause = memory.failedOverBecause();
    }
    this.targets = new TrafficTarget(request.application(), request.environment(), request.regions(),
        request.target(), request.healthCheck());
    this.trail = new TrafficTrail(audit, "failover", request.environment(),
        memory == null ? 0 : memory.auditSequence());
  }

  @Override
  public RegionFailoverStatus watch(RegionFailoverRequest request) {
    if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_AT_START, Workflow.DEFAULT_VERSION, 1) == 1) {
      handOver(state == FailoverState.FAILED_OVER
          ? new FailoverCommand("gantry", "failed over by its per-region watch since " + failedOverAt + ": "
              + failedOverBecause)
          : null);
      state = FailoverState.STOPPED;
      trail.note("watch ended: " + stopRequest.reason());
      record("handed-over", "gantry", stopRequest.reason());
      return status();
    }
    if (request.memory() == null) {
      trail.note("watching " + request.region() + " of " + request.application() + "/" + request.environment()
          + " every " + request.pollSecondsOrDefault() + "s");
    }
    int polls = 0;
    while (stopRequest == null) {
      poll();
      if (stopRequest != null) {
        break;
      }
      if ((++polls >= POLLS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested())
          && pendingFailover == null && approval == null) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(request.withMemory(
            new FailoverMemory(state, failedOverAt, failedOverBecause, trail.sequence())));
      }
      int seen = wakeups;
      Workflow.await(Duration.ofSeconds(request.pollSecondsOrDefault()),
          () -> stopRequest != null || wakeups != seen);
    }
    state = FailoverState.STOPPED;
    trail.note("watch stopped by " + stopRequest.requestedBy() + ": " + stopRequest.reason()
        + "; traffic left as it is");
    record("stopped", stopRequest.requestedBy(), stopRequest.reason());
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  private void poll() {
    RegionHealth reading = targets.readHealth(health, request.region(), trail);
    if (reading == null) {
      return; // could not look: never move traffic on a guess
    }
    boolean wasHealthy = !Boolean.FALSE.equals(healthy);
    healthy = reading.healthy();
    healthDetail = reading.detail();
    long now = Workflow.currentTimeMillis();
    if (state == FailoverState.WATCHING) {
      if (pendingFailover != null) {
        FailoverCommand command = pendingFailover;
        failOver(command.requestedBy(), "requested by " + command.requestedBy() + ": " + command.reason());
        pendingFailover = null;
      } else if (!reading.healthy()) {
        failOver("gantry", "unhealthy: " + reading.detail());
      }
      return;
    }
    pendingFailover = null;
    if (!reading.healthy()) {
      if (wasHealthy || recoveredSince != null) {
        trail.note("still unhealthy: " + reading.detail());
      }
      recoveredSince = null;
      if (approval != null) {
        trail.note("failback approval by " + approval.approver() + " withdrawn: the region is unhealthy again");
        approval = null;
      }
      return;
    }
    if (recoveredSince == null) {
      recoveredSince = now;
      trail.note("recovered (" + reading.detail() + "); traffic returns after an approved failback: "
          + "gantry region failback " + request.application() + " " + request.environment() + " "
          + request.region() + " --as <you>");
    }
    long healthyForMillis = targets.healthyForSeconds() * 1000L;
    if (approval != null && now - recoveredSince >= healthyForMillis) {
      failBack();
    }
  }

  private void failOver(String actor, String reason) {
    if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_AT_FAILOVER, Workflow.DEFAULT_VERSION, 1) == 1) {
      // an operator's failover becomes a drain; an unhealthy region the owner fails over by itself
      handOver("gantry".equals(actor) ? null : new FailoverCommand(actor, reason));
      return;
    }
    List<String> others = request.regions().stream().filter(r -> !r.equals(request.region())).toList();
    Map<String, Promise<RegionHealth>> readings = targets.readHealth(health, others);
    List<String> takers = new ArrayList<>();
    for (Map.Entry<String, Promise<RegionHealth>> reading : readings.entrySet()) {
      try {
        if (reading.getValue().get().healthy()) {
          takers.add(reading.getKey());
        }
      } catch (ActivityFailure unknown) {
        // a region whose health cannot be read does not take more traffic
      }
    }
    if (takers.isEmpty()) {
      String refusal = "cannot fail over " + request.region() + " (" + reason + "): no other region is"
          + " healthy; traffic left in place";
      if (!refusal.equals(lastRefusal)) {
        trail.note(refusal);
        record("failover-refused", actor, refusal);
        lastRefusal = refusal;
      }
      return;
    }
    lastRefusal = null;
    Map<String, Integer> current = targets.currentWeights(traffic, trail);
    Map<String, Integer> next = Weights.drain(current, targets.baseline(), request.region(), takers);
    TrafficWeights applied = traffic.shiftTraffic(new ShiftTrafficRequest(request.application(),
        request.environment(), request.target(), next, "failover of " + request.region() + ": " + reason));
    weights = new LinkedHashMap<>(applied.weights());
    state = FailoverState.FAILED_OVER;
    failedOverAt = TrafficTrail.now();
    failedOverBecause = reason;
    recoveredSince = null;
    approval = null;
    trail.note("FAILED OVER " + request.region() + " (" + reason + "): weights now " + weights);
    record("failed-over", actor, reason + "; weights now " + weights);
    log.warn("region failed over workflow={} region={} reason={} weights={}",
        Workflow.getInfo().getWorkflowId(), request.region(), reason, weights);
  }

  private void failBack() {
    if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_AT_FAILBACK, Workflow.DEFAULT_VERSION, 1) == 1) {
      approval = null;
      handOver(new FailoverCommand("gantry", "failed over by its per-region watch since " + failedOverAt + ": "
          + failedOverBecause + " (its failback approval was given to the old watch: approve again)"));
      return;
    }
    FailbackApproval approved = approval;
    Map<String, Integer> next = Weights.restore(targets.currentWeights(traffic, trail), targets.baseline(),
        request.region());
    TrafficWeights applied = traffic.shiftTraffic(new ShiftTrafficRequest(request.application(),
        request.environment(), request.target(), next,
        "failback of " + request.region() + " approved by " + approved.approver()));
    weights = new LinkedHashMap<>(applied.weights());
    state = FailoverState.WATCHING;
    failedOverAt = null;
    failedOverBecause = null;
    recoveredSince = null;
    approval = null;
    String detail = "approved by " + approved.approver()
        + (approved.comment() == null ? "" : " (" + approved.comment() + ")") + "; weights now " + weights;
    trail.note("FAILED BACK " + request.region() + ": " + detail);
    record("failed-back", approved.approver(), detail);
  }

  /** One owner writes the weights now ({@link OwnerHandOver}): this watch stops. */
  private void handOver(FailoverCommand drain) {
    String how = OwnerHandOver.handOver(request, drain);
    handedOverTo = OwnerHandOver.ownerId(request);
    pendingFailover = null;
    stopRequest = new FailoverCommand("gantry", "handed over: " + how + "; it alone sets the weights now");
    wakeups++;
  }

  @Override
  public FailoverDecision submitFailover(FailoverCommand command) {
    pendingFailover = command;
    wakeups++;
    Workflow.await(() -> pendingFailover == null || stopRequest != null);
    return decision(handedOverTo != null ? "handed over to the traffic owner " + handedOverTo
        + ", which drains " + request.region() + ": gantry region status " + request.application() + " "
        + request.environment() : state == FailoverState.FAILED_OVER ? "traffic moved away: weights " + weights
        : lastRefusal != null ? lastRefusal : "not failed over");
  }

  @Override
  public void validateFailover(FailoverCommand command) {
    TrafficTarget.refuse(failoverRefusal(command));
  }

  @Override
  public FailoverDecision submitFailbackApproval(FailbackApproval approval) {
    accept(approval);
    Workflow.await(() -> this.approval == null || stopRequest != null);
    return decision(handedOverTo != null ? "handed over to the traffic owner " + handedOverTo
        + ": approve the failback there (gantry region failback)" : state == FailoverState.WATCHING
        ? "traffic restored: weights " + weights : "approval withdrawn: " + healthDetail);
  }

  @Override
  public void validateFailbackApproval(FailbackApproval approval) {
    TrafficTarget.refuse(failbackRefusal(approval));
  }

  @Override
  public void approveFailback(FailbackApproval approval) {
    String refusal = failbackRefusal(approval);
    if (refusal != null) {
      trail.note("failback approval refused: " + refusal);
      record("failback-refused", approval == null ? null : approval.approver(), refusal);
      return;
    }
    accept(approval);
  }

  @Override
  public void stop(FailoverCommand command) {
    stopRequest = command == null ? new FailoverCommand("unknown", "no reason given") : command;
    wakeups++;
  }

  @Override
  public RegionFailoverStatus status() {
    String waitingFor = state != FailoverState.FAILED_OVER ? null
        : targets.waitingFor(request.region(), healthy, approval == null ? null : approval.approver());
    return new RegionFailoverStatus(request.application(), request.environment(), request.region(), state,
        healthy, healthDetail, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights)),
        failedOverAt, failedOverBecause, waitingFor,
        trail.lines());
  }

  private void accept(FailbackApproval approval) {
    this.approval = approval;
    wakeups++;
    trail.note("failback approved by " + approval.approver()
        + (approval.comment() == null ? "" : ": " + approval.comment()));
  }

  private String failoverRefusal(FailoverCommand command) {
    if (command == null || blank(command.requestedBy())) {
      return "say who you are (requestedBy)";
    }
    if (blank(command.reason())) {
      return "give a reason: it goes into the audit trail";
    }
    if (state != FailoverState.WATCHING) {
      return request.region() + " is already failed over (since " + failedOverAt + ": " + failedOverBecause
          + ")";
    }
    return null;
  }

  private String failbackRefusal(FailbackApproval approval) {
    if (approval == null || blank(approval.approver())) {
      return "a failback approval must name its approver";
    }
    if (state != FailoverState.FAILED_OVER) {
      return request.region() + " is not failed over: it carries its normal traffic";
    }
    return TrafficTarget.failbackRefusal(request.failbackApprovers(), approval.approver(), request.region(),
        healthy, healthDetail);
  }

  private FailoverDecision decision(String detail) {
    return new FailoverDecision(request.region(), state, detail);
  }

  private void record(String outcome, String actor, String detail) {
    AuditHead head = trail.record(outcome, actor, request.region() + ": " + detail);
    if (head != null) {
      auditHead = head;
    }
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
