package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.AuditActivities;
import dev.gantry.workflows.api.AuditEvent;
import dev.gantry.workflows.api.MessageLimits;
import dev.gantry.workflows.api.Names;
import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.traffic.CompareAndSetTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionHealthRequest;
import dev.gantry.workflows.api.traffic.RegionHold;
import dev.gantry.workflows.api.traffic.RegionTraffic;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.api.traffic.RegionTrafficState;
import dev.gantry.workflows.api.traffic.TrafficChange;
import dev.gantry.workflows.api.traffic.TrafficCommand;
import dev.gantry.workflows.api.traffic.TrafficDecision;
import dev.gantry.workflows.api.traffic.TrafficFailback;
import dev.gantry.workflows.api.traffic.TrafficOwnerMemory;
import dev.gantry.workflows.api.traffic.TrafficOwnerRequest;
import dev.gantry.workflows.api.traffic.TrafficOwnerStatus;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import dev.gantry.workflows.support.AuditEventIds;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;

public class TrafficOwnerWorkflowImpl implements TrafficOwnerWorkflow {
  private static final Logger log = Workflow.getLogger(TrafficOwnerWorkflowImpl.class);
  /** Rounds per run before continue-as-new (each round: one health read per region, one compare-and-set). */
  static final int ROUNDS_PER_RUN = 200;
  /** Compare-and-set attempts per round; each refused one is retried from what Route 53 holds then. */
  static final int CAS_ATTEMPTS = 5;
  private static final int LOG_LINES = 50;




  private final RegionTrafficActivities health =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.TRAFFIC_HEALTH);
  private final RegionTrafficActivities traffic =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.TRAFFIC_SET);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);

  private final TrafficOwnerRequest request;
  private final Map<String, RegionHold> holds = new LinkedHashMap<>();
  private final Map<String, Boolean> healthy = new LinkedHashMap<>();
  private final Map<String, String> healthDetail = new LinkedHashMap<>();
  private final Set<String> unreadable = new LinkedHashSet<>();
  /** Workflow time since which a held region has been healthy without a break. */
  private final Map<String, Long> recoveredSince = new LinkedHashMap<>();
  private final Map<String, TrafficFailback> approvals = new LinkedHashMap<>();
  /** What Route 53 held when last read or written: the compare of the next write. Null: not read yet. */
  private Map<String, Integer> expected;
  /** Why the next write happens (what changed since the last one). */
  private final List<String> reasons = new ArrayList<>();
  private String failClosed;
  /** Why the last round could not bring Route 53 to the rules, or null. */
  private String writeProblem;
  private int conflicts;
  private final List<String> lines = new ArrayList<>();
  private int auditSequence;
  private TrafficCommand stopRequest;
  private int wakeups;
  private int roundsStarted;
  private int roundsDone;

  @WorkflowInit
  public TrafficOwnerWorkflowImpl(TrafficOwnerRequest request) {
    this.request = request;
    TrafficOwnerMemory memory = request.memory();
    if (memory != null) {
      if (memory.holds() != null) {
        memory.holds().forEach(hold -> holds.put(hold.region(), hold));
      }
      expected = memory.expected() == null ? null : new LinkedHashMap<>(memory.expected());
      auditSequence = memory.auditSequence();
    }
  }

  @Override
  public TrafficOwnerStatus own(TrafficOwnerRequest request) {
    if (request.memory() == null) {
      note("owning the traffic of " + request.recordName() + " for " + request.application() + "/"
          + request.environment() + " (" + String.join(", ", request.regions()) + "), reading health every "
          + request.pollSecondsOrDefault() + "s");
      reasons.add("owner started");
    }
    int rounds = 0;
    while (stopRequest == null) {
      int seen = wakeups; // a message during the round brings the next round at once
      round();
      if (stopRequest != null) {
        break;
      }
      if ((++rounds >= ROUNDS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) && approvals.isEmpty()) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(request.withMemory(
            new TrafficOwnerMemory(List.copyOf(holds.values()), expected, auditSequence)));
      }
      Workflow.await(Duration.ofSeconds(request.pollSecondsOrDefault()),
          () -> stopRequest != null || wakeups != seen);
    }
    note("stopped by " + stopRequest.requestedBy() + ": " + stopRequest.reason() + "; weights left as they are");
    record("stopped", stopRequest.requestedBy(), stopRequest.reason());
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  /** One round: read every region, apply the automatic transitions, bring Route 53 to the rules. */
  private void round() {
    roundsStarted++;
    Map<String, Promise<RegionHealth>> readings = new LinkedHashMap<>();
    for (String region : request.regions()) {
      readings.put(region, Async.function(health::readRegionHealth, healthRequest(region)));
    }
    for (Map.Entry<String, Promise<RegionHealth>> reading : readings.entrySet()) {
      String region = reading.getKey();
      try {
        RegionHealth answer = reading.getValue().get();
        healthy.put(region, answer.healthy());
        healthDetail.put(region, answer.detail());
        unreadable.remove(region);
      } catch (ActivityFailure unknown) {
        // could not look: keep the last reading; traffic never moves on a guess
        if (unreadable.add(region)) {
          note("could not read the health of " + region + ": " + FailureReasons.of(unknown));
        }
      }
    }
    long now = Workflow.currentTimeMillis();
    Map<String, TrafficFailback> failedBack = new LinkedHashMap<>();
    for (String region : request.regions()) {
      Boolean reading = healthy.get(region);
      RegionHold hold = holds.get(region);
      if (hold == null) {
        if (Boolean.FALSE.equals(reading)) {
          String because = "unhealthy: " + healthDetail.get(region);
          holds.put(region, new RegionHold(region, RegionTrafficState.FAILED_OVER, "gantry", because, now()));
          reasons.add(region + " " + because);
          note("FAILING OVER " + region + " (" + because + ")");
          record("failed-over", "gantry", region + ": " + because);
        }
        continue;
      }
      if (!Boolean.TRUE.equals(reading)) {
        if (recoveredSince.remove(region) != null) {
          note(region + " is unhealthy again: " + healthDetail.get(region));
        }
        TrafficFailback withdrawn = approvals.remove(region);
        if (withdrawn != null) {
          note("failback approval of " + region + " by " + withdrawn.approver()
              + " withdrawn: the region is unhealthy again");
          record("failback-withdrawn", withdrawn.approver(), region + ": unhealthy again");
        }
        continue;
      }
      if (!recoveredSince.containsKey(region)) {
        recoveredSince.put(region, now);
        note(region + " is healthy (" + healthDetail.get(region) + "); it gets traffic back after an approved"
            + " failback: gantry region failback " + request.application() + " " + request.environment() + " "
            + region + " --as <you>");
      }
      TrafficFailback approval = approvals.get(region);
      if (approval != null && now - recoveredSince.get(region) >= healthyForSeconds() * 1000L) {
        holds.remove(region);
        recoveredSince.remove(region);
        approvals.remove(region);
        reasons.add("failback of " + region + " approved by " + approval.approver());
        failedBack.put(region, approval);
      }
    }
    enforce();
    failedBack.forEach((region, approval) -> {
      note("FAILED BACK " + region + " (approved by " + approval.approver() + "): weights now " + expected);
      record("failed-back", approval.approver(), region + ": weights now " + expected);
    });
    roundsDone++;
  }

  /** Brings Route 53 to the rules by compare-and-set; with no region able to serve, keeps what is there. */
  private void enforce() {
    Set<String> serving = serving();
    Map<String, Integer> desired = TrafficRules.desired(baseline(), serving);
    if (desired == null) {
      String message = "NO REGION CAN TAKE TRAFFIC (" + held() + "): keeping the last weights "
          + (expected == null ? "(as Route 53 has them)" : expected) + " rather than routing to nothing";
      if (!message.equals(failClosed)) {
        note(message);
        record("fail-closed", "gantry", message);
        log.error("traffic owner fails closed workflow={} {}", Workflow.getInfo().getWorkflowId(), message);
      }
      failClosed = message;
      reasons.clear();
      return;
    }
    if (failClosed != null) {
      note("a region can take traffic again: " + serving);
      failClosed = null;
    }
    String reason = reasons.isEmpty() ? "keeping the weights to the owner's rules" : String.join("; ", reasons);
    for (int attempt = 1; attempt <= CAS_ATTEMPTS; attempt++) {
      if (stopRequest != null) {
        return; // stopped (e.g. the environment is being destroyed and drained): write nothing more
      }
      TrafficChange change;
      try {
        change = traffic.setTrafficIfUnchanged(new CompareAndSetTrafficRequest(request.application(),
            request.environment(), request.target(), expected, desired, reason));
      } catch (ActivityFailure failure) {
        writeProblem = "could not set the weights (" + FailureReasons.of(failure) + "); the next round tries"
            + " again";
        note(writeProblem);
        return;
      }
      if (change.conflict()) {
        conflicts++;
        Map<String, Integer> found = change.now() == null ? null : change.now().weights();
        String line = "compare-and-set refused (attempt " + attempt + "): " + change.detail() + "; expected "
            + expected + ", Route 53 holds " + found + "; retrying from what it holds";
        note(line);
        record("traffic-conflict", "gantry", line);
        expected = found == null ? null : new LinkedHashMap<>(found);
        continue;
      }
      expected = new LinkedHashMap<>(change.now().weights());
      writeProblem = null;
      if (TrafficChange.WRITTEN.equals(change.outcome())) {
        note("weights now " + expected + " (" + reason + ")");
        record("traffic-set", "gantry", "weights now " + expected + ": " + reason);
        log.warn("traffic set workflow={} weights={} reason={}", Workflow.getInfo().getWorkflowId(), expected,
            reason);
      }
      reasons.clear();
      return;
    }
    writeProblem = "Route 53 kept changing under the owner (" + CAS_ATTEMPTS + " refused compare-and-sets);"
        + " the next round tries again";
    note(writeProblem);
  }

  /** Regions that may take traffic: not held, and not known to be unhealthy. */
  private Set<String> serving() {
    Set<String> serving = new LinkedHashSet<>();
    for (String region : request.regions()) {
      if (!holds.containsKey(region) && !Boolean.FALSE.equals(healthy.get(region))) {
        serving.add(region);
      }
    }
    return serving;
  }

  private String held() {
    List<String> parts = new ArrayList<>();
    for (String region : request.regions()) {
      RegionHold hold = holds.get(region);
      parts.add(region + " " + (hold == null ? (Boolean.FALSE.equals(healthy.get(region)) ? "unhealthy" : "serving")
          : hold.state().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')));
    }
    return String.join(", ", parts);
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

  private RegionHealthRequest healthRequest(String region) {
    return new RegionHealthRequest(request.application(), request.environment(), region, request.target(),
        request.healthCheck());
  }

  private int healthyForSeconds() {
    AwsTarget aws = request.target().aws();
    return aws == null ? 0 : aws.healthyForSecondsOrDefault();
  }

  // ---- messages ----

  @Override
  public TrafficDecision drain(TrafficCommand command) {
    int round = roundsStarted + 1; // the next round to start sees the drain
    acceptDrain(command);
    Workflow.await(() -> roundsDone >= round || stopRequest != null);
    return decision(command.region(), failClosed != null ? failClosed
        : writeProblem != null ? "drained by " + command.requestedBy() + ", but Route 53 still holds " + expected
            + ": " + writeProblem
        : "drained by " + command.requestedBy() + ": weights now " + expected);
  }

  @Override
  public void validateDrain(TrafficCommand command) {
    String refusal = drainRefusal(command);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  @Override
  public void drainRegion(TrafficCommand command) {
    String refusal = drainRefusal(command);
    if (refusal != null) {
      note("drain refused: " + refusal);
      record("drain-refused", command == null ? null : Names.shown(command.requestedBy()), refusal);
      return;
    }
    acceptDrain(command);
  }

  @Override
  public TrafficDecision submitFailbackApproval(TrafficFailback approval) {
    acceptFailback(approval);
    String region = approval.region();
    Workflow.await(() -> stopRequest != null
        || (!approvals.containsKey(region) && roundsDone == roundsStarted));
    boolean back = !holds.containsKey(region);
    return decision(region, !back ? "approval withdrawn: " + healthDetail.get(region)
        : writeProblem != null ? "failed back, but Route 53 still holds " + expected + ": " + writeProblem
        : "traffic restored: weights now " + expected);
  }

  @Override
  public void validateFailbackApproval(TrafficFailback approval) {
    String refusal = failbackRefusal(approval);
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  @Override
  public void approveFailback(TrafficFailback approval) {
    String refusal = failbackRefusal(approval);
    if (refusal != null) {
      note("failback approval refused: " + refusal);
      record("failback-refused", approval == null ? null : Names.shown(approval.approver()), refusal);
      return;
    }
    acceptFailback(approval);
  }

  @Override
  public void stop(TrafficCommand command) {
    stopRequest = command == null || !Names.isPerson(command.requestedBy())
        ? new TrafficCommand(null, "unknown", "no valid name given")
        : new TrafficCommand(null, command.requestedBy(), MessageLimits.cut(
            command.reason() == null ? "no reason given" : command.reason(), MessageLimits.TEXT));
    wakeups++;
  }

  @Override
  public TrafficOwnerStatus status() {
    List<RegionTraffic> regions = new ArrayList<>();
    for (String region : request.regions()) {
      RegionHold hold = holds.get(region);
      TrafficFailback approval = approvals.get(region);
      String waitingFor = null;
      if (hold != null) {
        waitingFor = !Boolean.TRUE.equals(healthy.get(region)) ? "the region to recover"
            : approval == null ? "a failback approval: gantry region failback " + request.application() + " "
                + request.environment() + " " + region + " --as <you>"
            : "the region to stay healthy for " + healthyForSeconds() + "s (approved by " + approval.approver() + ")";
      }
      regions.add(new RegionTraffic(region, hold == null ? RegionTrafficState.SERVING : hold.state(),
          healthy.get(region), healthDetail.get(region), expected == null ? null : expected.get(region),
          hold == null ? null : hold.since(), hold == null ? null : hold.by(), hold == null ? null : hold.reason(),
          approval == null ? null : approval.approver(), waitingFor));
    }
    return new TrafficOwnerStatus(request.application(), request.environment(), request.recordName(),
        stopRequest != null, expected == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(expected)),
        failClosed, List.copyOf(regions), conflicts, List.copyOf(lines), writeProblem);
  }

  private void acceptDrain(TrafficCommand command) {
    String reason = MessageLimits.cut(command.reason(), MessageLimits.TEXT);
    holds.put(command.region(), new RegionHold(command.region(), RegionTrafficState.DRAINED,
        command.requestedBy(), reason, now()));
    approvals.remove(command.region());
    recoveredSince.remove(command.region());
    reasons.add(command.region() + " drained by " + command.requestedBy() + ": " + reason);
    note("DRAINING " + command.region() + " (by " + command.requestedBy() + ": " + reason + ")");
    record("drained", command.requestedBy(), command.region() + ": " + reason);
    wakeups++;
  }

  private void acceptFailback(TrafficFailback approval) {
    approvals.put(approval.region(), approval);
    String comment = approval.comment() == null ? "" : ": " + MessageLimits.cut(approval.comment(), MessageLimits.TEXT);
    note("failback of " + approval.region() + " approved by " + approval.approver() + comment);
    record("failback-approved", approval.approver(), approval.region() + comment);
    wakeups++;
  }

  private String drainRefusal(TrafficCommand command) {
    if (command == null || !Names.isPerson(command.requestedBy())) {
      return "say who you are (requestedBy: letters, digits, . _ @ + -)";
    }
    if (command.region() == null || !request.regions().contains(command.region())) {
      return "region " + Names.shown(command.region()) + " is not one of " + request.regions();
    }
    if (command.reason() == null || command.reason().isBlank()) {
      return "give a reason: it goes into the audit trail";
    }
    if (command.reason().length() > MessageLimits.TEXT) {
      return "the reason is longer than " + MessageLimits.TEXT + " characters";
    }
    RegionHold hold = holds.get(command.region());
    if (hold != null && hold.state() == RegionTrafficState.DRAINED) {
      return command.region() + " is already drained (since " + hold.since() + " by " + hold.by() + ": "
          + hold.reason() + ")";
    }
    Set<String> rest = serving();
    rest.remove(command.region());
    if (rest.isEmpty()) {
      return "draining " + command.region() + " would leave no region to take traffic (" + held() + "); Gantry"
          + " does not route to nothing: bring another region back first";
    }
    return null;
  }

  private String failbackRefusal(TrafficFailback approval) {
    if (approval == null || !Names.isPerson(approval.approver())) {
      return "a failback approval must name its approver (letters, digits, . _ @ + -)";
    }
    if (approval.region() == null || !request.regions().contains(approval.region())) {
      return "region " + Names.shown(approval.region()) + " is not one of " + request.regions();
    }
    if (approval.comment() != null && approval.comment().length() > MessageLimits.TEXT) {
      return "the comment is longer than " + MessageLimits.TEXT + " characters";
    }
    RegionHold hold = holds.get(approval.region());
    if (hold == null) {
      return approval.region() + " is not failed over or drained: it takes its share of traffic";
    }
    List<String> allowed = request.failbackApprovers() == null ? List.of() : request.failbackApprovers();
    if (!allowed.isEmpty() && !allowed.contains(approval.approver())) {
      return approval.approver() + " may not approve a failback here; allowed: " + String.join(", ", allowed);
    }
    if (!Boolean.TRUE.equals(healthy.get(approval.region()))) {
      return approval.region() + " has not recovered yet (" + healthDetail.get(approval.region())
          + "); approve once it is healthy";
    }
    return null;
  }

  private TrafficDecision decision(String region, String detail) {
    RegionHold hold = holds.get(region);
    return new TrafficDecision(region, hold == null ? RegionTrafficState.SERVING : hold.state(),
        expected == null ? Map.of() : new LinkedHashMap<>(expected), detail);
  }

  private void note(String line) {
    lines.add(now() + " " + line);
    while (lines.size() > LOG_LINES) {
      lines.remove(0);
    }
  }

  /** Appends to the audit trail (synchronously: traffic changes are rare and their record matters). */
  private void record(String outcome, String actor, String detail) {
    String workflowId = Workflow.getInfo().getWorkflowId();
    String runId = Workflow.getInfo().getRunId();
    audit.append(new AuditEvent(AuditEventIds.of(workflowId, runId, ++auditSequence), workflowId, runId,
        "traffic", actor, request.environment(), outcome, detail, null, now()));
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}
