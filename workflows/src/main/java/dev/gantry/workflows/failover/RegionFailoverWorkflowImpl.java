package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditHead;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.ReleaseIds;
import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.traffic.FailbackApproval;
import dev.gantry.workflows.api.traffic.FailoverCommand;
import dev.gantry.workflows.api.traffic.FailoverDecision;
import dev.gantry.workflows.api.traffic.FailoverMemory;
import dev.gantry.workflows.api.traffic.FailoverState;
import dev.gantry.workflows.api.traffic.ReadTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverRequest;
import dev.gantry.workflows.api.traffic.RegionFailoverStatus;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionHealthRequest;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.ShiftTrafficRequest;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficWeights;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

public class RegionFailoverWorkflowImpl implements RegionFailoverWorkflow {
  private static final Logger log = Workflow.getLogger(RegionFailoverWorkflowImpl.class);
  /** Polls per run before continue-as-new: keeps the history far below Temporal's limits. */
  static final int POLLS_PER_RUN = 500;
  private static final int LOG_LINES = 50;




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
  private final List<String> lines = new ArrayList<>();
  private int auditSequence;
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
      this.auditSequence = memory.auditSequence();
    }
  }

  @Override
  public RegionFailoverStatus watch(RegionFailoverRequest request) {
    if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_AT_START, Workflow.DEFAULT_VERSION, 1) == 1) {
      handOver(state == FailoverState.FAILED_OVER
          ? new FailoverCommand("gantry", "failed over by its per-region watch since " + failedOverAt + ": "
              + failedOverBecause)
          : null);
      state = FailoverState.STOPPED;
      note("watch ended: " + stopRequest.reason());
      record("handed-over", "gantry", stopRequest.reason());
      return status();
    }
    if (request.memory() == null) {
      note("watching " + request.region() + " of " + request.application() + "/" + request.environment()
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
            new FailoverMemory(state, failedOverAt, failedOverBecause, auditSequence)));
      }
      int seen = wakeups;
      Workflow.await(Duration.ofSeconds(request.pollSecondsOrDefault()),
          () -> stopRequest != null || wakeups != seen);
    }
    state = FailoverState.STOPPED;
    note("watch stopped by " + stopRequest.requestedBy() + ": " + stopRequest.reason()
        + "; traffic left as it is");
    record("stopped", stopRequest.requestedBy(), stopRequest.reason());
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  private void poll() {
    RegionHealth reading = read(request.region());
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
        note("still unhealthy: " + reading.detail());
      }
      recoveredSince = null;
      if (approval != null) {
        note("failback approval by " + approval.approver() + " withdrawn: the region is unhealthy again");
        approval = null;
      }
      return;
    }
    if (recoveredSince == null) {
      recoveredSince = now;
      note("recovered (" + reading.detail() + "); traffic returns after an approved failback: "
          + "gantry region failback " + request.application() + " " + request.environment() + " "
          + request.region() + " --as <you>");
    }
    long healthyForMillis = healthyForSeconds() * 1000L;
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
    Map<String, Promise<RegionHealth>> readings = new LinkedHashMap<>();
    for (String other : others) {
      readings.put(other, Async.function(health::readRegionHealth, healthRequest(other)));
    }
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
        note(refusal);
        record("failover-refused", actor, refusal);
        lastRefusal = refusal;
      }
      return;
    }
    lastRefusal = null;
    Map<String, Integer> current = currentWeights();
    Map<String, Integer> next = Weights.drain(current, baseline(), request.region(), takers);
    TrafficWeights applied = traffic.shiftTraffic(new ShiftTrafficRequest(request.application(),
        request.environment(), request.target(), next, "failover of " + request.region() + ": " + reason));
    weights = new LinkedHashMap<>(applied.weights());
    state = FailoverState.FAILED_OVER;
    failedOverAt = now();
    failedOverBecause = reason;
    recoveredSince = null;
    approval = null;
    note("FAILED OVER " + request.region() + " (" + reason + "): weights now " + weights);
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
    Map<String, Integer> next = Weights.restore(currentWeights(), baseline(), request.region());
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
    note("FAILED BACK " + request.region() + ": " + detail);
    record("failed-back", approved.approver(), detail);
  }

  /**
   * One owner writes the weights now: starts it (a child left running when this watch ends) unless it runs
   * already, passes it the drain this watch was about to make, and stops this watch.
   */
  private void handOver(FailoverCommand drain) {
    String ownerId = ReleaseIds.traffic(request.application(), request.target().aws() == null
        || request.target().aws().route53() == null ? null : request.target().aws().route53().recordName());
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
    handedOverTo = ownerId;
    pendingFailover = null;
    stopRequest = new FailoverCommand("gantry", "handed over: " + how + "; it alone sets the weights now");
    wakeups++;
  }

  private Map<String, Integer> currentWeights() {
    try {
      return traffic.readTraffic(new ReadTrafficRequest(request.application(), request.environment(),
          request.target())).weights();
    } catch (ActivityFailure unreadable) {
      note("could not read the current weights (" + FailureReasons.of(unreadable) + "); using the configured"
          + " ones");
      return baseline();
    }
  }

  /** The configured weights: what every region carries when all are healthy. */
  private Map<String, Integer> baseline() {
    Map<String, Integer> configured = new LinkedHashMap<>();
    AwsTarget aws = request.target().aws();
    for (String region : request.regions()) {
      AwsRegionSettings settings = aws == null ? null : aws.region(region);
      configured.put(region, settings == null ? 1 : settings.weightOrDefault());
    }
    return configured;
  }

  private RegionHealth read(String region) {
    try {
      return health.readRegionHealth(healthRequest(region));
    } catch (ActivityFailure unknown) {
      note("could not read the health of " + region + ": " + FailureReasons.of(unknown));
      return null;
    }
  }

  private RegionHealthRequest healthRequest(String region) {
    return new RegionHealthRequest(request.application(), request.environment(), region, request.target(),
        request.healthCheck());
  }

  private int healthyForSeconds() {
    AwsTarget aws = request.target().aws();
    return aws == null ? 0 : aws.healthyForSecondsOrDefault();
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
    String refusal = failoverRefusal(command);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
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
    String refusal = failbackRefusal(approval);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  @Override
  public void approveFailback(FailbackApproval approval) {
    String refusal = failbackRefusal(approval);
    if (refusal != null) {
      note("failback approval refused: " + refusal);
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
    String waitingFor = null;
    if (state == FailoverState.FAILED_OVER) {
      waitingFor = Boolean.TRUE.equals(healthy)
          ? (approval == null ? "a failback approval: gantry region failback " + request.application() + " "
              + request.environment() + " " + request.region() + " --as <you>"
              : "the region to stay healthy for " + healthyForSeconds() + "s (approved by "
                  + approval.approver() + ")")
          : "the region to recover";
    }
    return new RegionFailoverStatus(request.application(), request.environment(), request.region(), state,
        healthy, healthDetail, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights)),
        failedOverAt, failedOverBecause, waitingFor,
        List.copyOf(lines));
  }

  private void accept(FailbackApproval approval) {
    this.approval = approval;
    wakeups++;
    note("failback approved by " + approval.approver()
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
    List<String> allowed = request.failbackApprovers() == null ? List.of() : request.failbackApprovers();
    if (!allowed.isEmpty() && !allowed.contains(approval.approver())) {
      return approval.approver() + " may not approve a failback here; allowed: " + String.join(", ", allowed);
    }
    if (!Boolean.TRUE.equals(healthy)) {
      return request.region() + " has not recovered yet (" + healthDetail + "); approve once it is healthy";
    }
    return null;
  }

  private FailoverDecision decision(String detail) {
    return new FailoverDecision(request.region(), state, detail);
  }

  private void note(String line) {
    lines.add(now() + " " + line);
    while (lines.size() > LOG_LINES) {
      lines.remove(0);
    }
  }

  /** Appends to the audit trail (synchronously: a failover is rare and its record matters). */
  private void record(String outcome, String actor, String detail) {
    String workflowId = Workflow.getInfo().getWorkflowId();
    String runId = Workflow.getInfo().getRunId();
    AuditHead head;
    head = audit.append(new AuditEvent(AuditEventIds.of(workflowId, runId, ++auditSequence), workflowId, runId,
        "failover", actor, request.environment(), outcome, request.region() + ": " + detail, null, now()));
    if (head != null) {
      auditHead = head;
    }
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }
}
