package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.audit.AuditActivities;
import dev.gantry.workflows.api.environment.RegionsRequest;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.ReleaseIds;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.traffic.CompareAndSetTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionHold;
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
import dev.gantry.workflows.support.SignedActors;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import org.slf4j.Logger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class TrafficOwnerWorkflowImpl implements TrafficOwnerWorkflow {
  private static final Logger log = Workflow.getLogger(TrafficOwnerWorkflowImpl.class);
  /** Rounds per run before continue-as-new (each round: one health read per region, one compare-and-set). */
  static final int ROUNDS_PER_RUN = 200;
  /** Compare-and-set attempts per round; each refused one is retried from what Route 53 holds then. */
  static final int CAS_ATTEMPTS = 5;

  private final RegionTrafficActivities health =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.TRAFFIC_HEALTH);
  private final RegionTrafficActivities traffic =
      Workflow.newActivityStub(RegionTrafficActivities.class, ActivityOptionsCatalogue.TRAFFIC_SET);
  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, ActivityOptionsCatalogue.AUDIT);

  private final ApproverDirectoryActivities directory =
      Workflow.newActivityStub(ApproverDirectoryActivities.class, ActivityOptionsCatalogue.DIRECTORY);
  private final ReleaseLookupActivities lookup =
      Workflow.newActivityStub(ReleaseLookupActivities.class, ActivityOptionsCatalogue.ENVIRONMENT_STORE);

  /** Until {@link #adopt} (under {@code traffic-owner-from-policy}): the starter's word, never acted on alone. */
  private TrafficOwnerRequest request;
  private OwnerRegions book;
  /** What Route 53 held when last read or written: the compare of the next write. Null: not read yet. */
  private Map<String, Integer> expected;
  /** Why the next write happens (what changed since the last one). */
  private final List<String> reasons = new ArrayList<>();
  private String failClosed;
  /** Why the last round could not bring Route 53 to the rules, or null. */
  private String writeProblem;
  private int conflicts;
  private TrafficTarget targets;
  private final TrafficTrail trail;
  private TrafficCommand stopRequest;
  private int wakeups;
  private int roundsStarted;
  private int roundsDone;
  /** The policy is read (or the run predates that): from then on messages are judged by the policy's rules. */
  private boolean adopted;
  /** A signed environment's rules for people's messages; null where a typed name is accepted. */
  private OwnerSigning signing;

  @WorkflowInit
  public TrafficOwnerWorkflowImpl(TrafficOwnerRequest request) {
    this.request = request;
    this.targets = new TrafficTarget(request.application(), request.environment(), request.regions(),
        request.target(), request.healthCheck());
    this.book = new OwnerRegions(request.regions(), request.failbackApprovers(), targets);
    TrafficOwnerMemory memory = request.memory();
    if (memory != null) {
      if (memory.holds() != null) {
        memory.holds().forEach(hold -> book.holds.put(hold.region(), hold));
      }
      expected = memory.expected() == null ? null : new LinkedHashMap<>(memory.expected());
    }
    this.trail = new TrafficTrail(audit, "traffic", request.environment(), memory == null ? 0 : memory.auditSequence());
  }

  @Override
  public TrafficOwnerStatus own(TrafficOwnerRequest asked) {
    if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_FROM_POLICY, Workflow.DEFAULT_VERSION, 1) >= 1) {
      OwnerFromPolicy.Owned owned = OwnerFromPolicy.resolve(asked);
      adopt(owned.request());
      if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_SIGNED_ACTORS, Workflow.DEFAULT_VERSION, 1) >= 1) {
        signing = OwnerSigning.of(directory, Workflow.getInfo().getWorkflowId(), owned.plan());
        if (signing != null) {
          trail.note(owned.request().environment() + " requires signed actors: drains and failback approvals need a"
              + " one-time token of one of its approvers");
        }
      }
    }
    adopted = true; // also when replaying a run from before: its handlers must not wait for what happened
    TrafficOwnerRequest request = this.request;
    if (request.memory() == null) {
      trail.note("owning the traffic of " + request.recordName() + " for " + request.application() + "/"
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
      if ((++rounds >= ROUNDS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) && book.approvals.isEmpty()) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(request.withMemory(
            new TrafficOwnerMemory(List.copyOf(book.holds.values()), expected, trail.sequence())));
      }
      Workflow.await(Duration.ofSeconds(request.pollSecondsOrDefault()),
          () -> stopRequest != null || wakeups != seen);
    }
    trail.note("stopped by " + stopRequest.requestedBy() + ": " + stopRequest.reason() + "; weights left as they are");
    trail.record("stopped", stopRequest.requestedBy(), stopRequest.reason());
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  /** One round: read every region, apply the automatic transitions, bring Route 53 to the rules. */
  private void round() {
    roundsStarted++;
    Map<String, Promise<RegionHealth>> readings = targets.readHealth(health, request.regions());
    for (Map.Entry<String, Promise<RegionHealth>> reading : readings.entrySet()) {
      String region = reading.getKey();
      try {
        RegionHealth answer = reading.getValue().get();
        book.healthy.put(region, answer.healthy());
        book.healthDetail.put(region, answer.detail());
        book.unreadable.remove(region);
      } catch (ActivityFailure unknown) {
        // could not look: keep the last reading; traffic never moves on a guess
        if (book.unreadable.add(region)) {
          trail.note(TrafficTarget.unreadable(region, unknown));
        }
      }
    }
    long now = Workflow.currentTimeMillis();
    Map<String, TrafficFailback> failedBack = new LinkedHashMap<>();
    for (String region : request.regions()) {
      Boolean reading = book.healthy.get(region);
      RegionHold hold = book.holds.get(region);
      if (hold == null) {
        if (Boolean.FALSE.equals(reading)) {
          String because = "unhealthy: " + book.healthDetail.get(region);
          book.holds.put(region, new RegionHold(region, RegionTrafficState.FAILED_OVER, "gantry", because,
              TrafficTrail.now()));
          reasons.add(region + " " + because);
          trail.note("FAILING OVER " + region + " (" + because + ")");
          trail.record("failed-over", "gantry", region + ": " + because);
        }
        continue;
      }
      if (!Boolean.TRUE.equals(reading)) {
        if (book.recoveredSince.remove(region) != null) {
          trail.note(region + " is unhealthy again: " + book.healthDetail.get(region));
        }
        TrafficFailback withdrawn = book.approvals.remove(region);
        if (withdrawn != null) {
          trail.note("failback approval of " + region + " by " + withdrawn.approver()
              + " withdrawn: the region is unhealthy again");
          trail.record("failback-withdrawn", withdrawn.approver(), region + ": unhealthy again");
        }
        continue;
      }
      if (!book.recoveredSince.containsKey(region)) {
        book.recoveredSince.put(region, now);
        trail.note(region + " is healthy (" + book.healthDetail.get(region) + "); it gets traffic back after an"
            + " approved failback: gantry region failback " + request.application() + " " + request.environment() + " "
            + region + " --as <you>");
      }
      TrafficFailback approval = book.approvals.get(region);
      if (approval != null && now - book.recoveredSince.get(region) >= targets.healthyForSeconds() * 1000L) {
        book.holds.remove(region);
        book.recoveredSince.remove(region);
        book.approvals.remove(region);
        reasons.add("failback of " + region + " approved by " + approval.approver());
        failedBack.put(region, approval);
      }
    }
    enforce();
    failedBack.forEach((region, approval) -> {
      trail.note("FAILED BACK " + region + " (approved by " + approval.approver() + "): weights now " + expected);
      trail.record("failed-back", approval.approver(), region + ": weights now " + expected);
    });
    roundsDone++;
  }

  /** Brings Route 53 to the rules by compare-and-set; with no region able to serve, keeps what is there. */
  private void enforce() {
    Set<String> serving = book.serving();
    Map<String, Integer> desired = TrafficRules.desired(targets.baseline(), serving);
    if (desired == null) {
      String message = "NO REGION CAN TAKE TRAFFIC (" + book.held() + "): keeping the last weights "
          + (expected == null ? "(as Route 53 has them)" : expected) + " rather than routing to nothing";
      if (!message.equals(failClosed)) {
        trail.note(message);
        trail.record("fail-closed", "gantry", message);
        log.error("traffic owner fails closed workflow={} {}", Workflow.getInfo().getWorkflowId(), message);
      }
      failClosed = message;
      reasons.clear();
      return;
    }
    if (failClosed != null) {
      trail.note("a region can take traffic again: " + serving);
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
        trail.note(writeProblem);
        return;
      }
      if (change.conflict()) {
        conflicts++;
        Map<String, Integer> found = change.now() == null ? null : change.now().weights();
        String line = "compare-and-set refused (attempt " + attempt + "): " + change.detail() + "; expected "
            + expected + ", Route 53 holds " + found + "; retrying from what it holds";
        trail.note(line);
        trail.record("traffic-conflict", "gantry", line);
        expected = found == null ? null : new LinkedHashMap<>(found);
        continue;
      }
      expected = new LinkedHashMap<>(change.now().weights());
      writeProblem = null;
      if (TrafficChange.WRITTEN.equals(change.outcome())) {
        trail.note("weights now " + expected + " (" + reason + ")");
        trail.record("traffic-set", "gantry", "weights now " + expected + ": " + reason);
        log.warn("traffic set workflow={} weights={} reason={}", Workflow.getInfo().getWorkflowId(), expected,
            reason);
      }
      reasons.clear();
      return;
    }
    writeProblem = "Route 53 kept changing under the owner (" + CAS_ATTEMPTS + " refused compare-and-sets);"
        + " the next round tries again";
    trail.note(writeProblem);
  }

  /**
   * From now on the policy's environment: regions, target, health check, failback approvers. What messages did
   * before (a drain, an approval sent with the start) is kept only where the policy's rules allow it.
   */
  private void adopt(TrafficOwnerRequest resolved) {
    OwnerRegions before = book;
    request = resolved;
    targets = new TrafficTarget(resolved.application(), resolved.environment(), resolved.regions(),
        resolved.target(), resolved.healthCheck());
    book = new OwnerRegions(resolved.regions(), resolved.failbackApprovers(), targets);
    if (expected != null) {
      // the weights a start claims Route 53 holds: only the policy's regions count (a wrong compare is refused
      // by Route 53's compare-and-set and read again)
      expected.keySet().retainAll(resolved.regions());
    }
    before.holds.forEach((region, hold) -> {
      if (resolved.regions().contains(region)) {
        book.holds.put(region, hold);
      }
    });
    before.approvals.values().forEach(approval -> {
      String refusal = book.failbackRefusal(approval);
      if (refusal == null) {
        book.approvals.put(approval.region(), approval);
      } else {
        trail.note("failback approval dropped (the policy's rules): " + refusal);
      }
    });
  }

  // ---- messages ----

  @Override
  public TrafficDecision drain(TrafficCommand command) {
    if (judgedByPolicy()) {
      String refusal = drainRefusal(command);
      if (refusal != null) {
        refuseDrain(command, refusal);
        throw ApplicationFailure.newNonRetryableFailure("refused: " + refusal, Failures.TRAFFIC_REFUSED);
      }
    }
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
    String refusal = book.drainRefusal(command);
    TrafficTarget.refuse(refusal != null || signing == null ? refusal
        : signing.check(ActorTokens.DRAIN, command.requestedBy(), command.region(), command.token(), nowSeconds())
            .refusal());
  }

  @Override
  public void drainRegion(TrafficCommand command) {
    String refusal = judgedByPolicy() ? drainRefusal(command) : book.drainRefusal(command);
    if (refusal != null) {
      refuseDrain(command, refusal);
      return;
    }
    acceptDrain(command);
  }

  @Override
  public TrafficDecision submitFailbackApproval(TrafficFailback approval) {
    if (judgedByPolicy()) {
      String refusal = failbackRefusal(approval);
      if (refusal != null) {
        refuseFailback(approval, refusal);
        throw ApplicationFailure.newNonRetryableFailure("refused: " + refusal, Failures.TRAFFIC_REFUSED);
      }
    }
    acceptFailback(approval);
    String region = approval.region();
    Workflow.await(() -> stopRequest != null
        || (!book.approvals.containsKey(region) && roundsDone == roundsStarted));
    boolean back = !book.holds.containsKey(region);
    return decision(region, !back ? "approval withdrawn: " + book.healthDetail.get(region)
        : writeProblem != null ? "failed back, but Route 53 still holds " + expected + ": " + writeProblem
        : "traffic restored: weights now " + expected);
  }

  @Override
  public void validateFailbackApproval(TrafficFailback approval) {
    String refusal = book.failbackRefusal(approval);
    TrafficTarget.refuse(refusal != null || signing == null ? refusal
        : signing.check(ActorTokens.FAILBACK, approval.approver(), approval.region(), approval.token(), nowSeconds())
            .refusal());
  }

  @Override
  public void approveFailback(TrafficFailback approval) {
    String refusal = judgedByPolicy() ? failbackRefusal(approval) : book.failbackRefusal(approval);
    if (refusal != null) {
      refuseFailback(approval, refusal);
      return;
    }
    acceptFailback(approval);
  }

  /**
   * New runs judge a drain or failback approval by the policy's rules only: the handler waits until the owner has
   * read its policy (a message sent with the start arrives before that). Runs from before answer at once.
   */
  private boolean judgedByPolicy() {
    if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_SIGNED_ACTORS, Workflow.DEFAULT_VERSION, 1) < 1) {
      return false;
    }
    Workflow.await(() -> adopted);
    return true;
  }

  /** The policy's rules, then (in a signed environment) the sender's token, spent once; null when accepted. */
  private String drainRefusal(TrafficCommand command) {
    String refusal = book.drainRefusal(command);
    if (refusal == null) {
      refusal = signedRefusal(ActorTokens.DRAIN, command.requestedBy(), command.region(), command.token());
    }
    return refusal != null ? refusal : book.drainRefusal(command); // the state may have moved meanwhile
  }

  private String failbackRefusal(TrafficFailback approval) {
    String refusal = book.failbackRefusal(approval);
    if (refusal == null) {
      refusal = signedRefusal(ActorTokens.FAILBACK, approval.approver(), approval.region(), approval.token());
    }
    return refusal != null ? refusal : book.failbackRefusal(approval);
  }

  private String signedRefusal(String action, String sender, String region, String token) {
    if (signing == null) {
      return null;
    }
    SignedActors.Check check = SignedActors.spent(signing.check(action, sender, region, token, nowSeconds()), action);
    if (check.refusal() != null) {
      return check.refusal();
    }
    trail.record(action + "-signed", sender, (region == null ? "" : region + ": ") + "token accepted (key "
        + check.keyThumbprint() + ")");
    return null;
  }

  private void refuseDrain(TrafficCommand command, String refusal) {
    trail.note("drain refused: " + refusal);
    trail.record("drain-refused", command == null ? null : Names.shown(command.requestedBy()), refusal);
  }

  private void refuseFailback(TrafficFailback approval, String refusal) {
    trail.note("failback approval refused: " + refusal);
    trail.record("failback-refused", approval == null ? null : Names.shown(approval.approver()), refusal);
  }

  private static long nowSeconds() {
    return Workflow.currentTimeMillis() / 1000;
  }

  @Override
  public void stop(TrafficCommand command) {
    TrafficCommand stop = command == null || !Names.isPerson(command.requestedBy())
        ? new TrafficCommand(null, "unknown", "no valid name given")
        : new TrafficCommand(null, command.requestedBy(), MessageLimits.cut(
            command.reason() == null ? "no reason given" : command.reason(), MessageLimits.TEXT));
    if (stopsOnlyWhenSigned()) {
      String refusal = stopRefusal(command);
      if (refusal != null) {
        trail.note("stop refused: " + refusal);
        trail.record("stop-refused", command == null ? null : Names.shown(command.requestedBy()), refusal);
        return;
      }
    }
    stopRequest = stop;
    wakeups++;
  }

  /**
   * New runs of a signed environment's owner stop only for the environment's approved destroy or for a person with
   * a one-time stop token of one of its approvers; elsewhere (and in runs from before) a typed name stops it.
   */
  private boolean stopsOnlyWhenSigned() {
    if (Workflow.getVersion(VersionMarkers.TRAFFIC_OWNER_SIGNED_STOP, Workflow.DEFAULT_VERSION, 1) < 1) {
      return false;
    }
    Workflow.await(() -> adopted);
    return signing != null;
  }

  private String stopRefusal(TrafficCommand command) {
    if (command == null || !Names.isPerson(command.requestedBy())) {
      return "no valid name given";
    }
    String shape = OwnerRegions.tokenProblem("stop", command.token());
    if (shape != null) {
      return shape; // as for drains: a token's shape and size before anything reads it
    }
    if (DESTROY_SENDER.equals(command.requestedBy()) && command.token() == null) {
      boolean approved = lookup.destroyApproved(new RegionsRequest(request.application(), request.environment(),
          null, List.of()));
      return approved ? null : "no approved destroy of " + request.environment() + " runs ("
          + ReleaseIds.destroy(request.application(), request.environment()) + "); a person stops the owner with a"
          + " one-time stop token of one of the environment's approvers";
    }
    return signedRefusal(ActorTokens.STOP, command.requestedBy(), null, command.token());
  }

  @Override
  public TrafficOwnerStatus status() {
    return new TrafficOwnerStatus(request.application(), request.environment(), request.recordName(),
        stopRequest != null, expected == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(expected)),
        failClosed, book.statuses(expected), conflicts, trail.lines(), writeProblem);
  }

  private void acceptDrain(TrafficCommand command) {
    String reason = MessageLimits.cut(command.reason(), MessageLimits.TEXT);
    book.holds.put(command.region(), new RegionHold(command.region(), RegionTrafficState.DRAINED,
        command.requestedBy(), reason, TrafficTrail.now()));
    book.approvals.remove(command.region());
    book.recoveredSince.remove(command.region());
    reasons.add(command.region() + " drained by " + command.requestedBy() + ": " + reason);
    trail.note("DRAINING " + command.region() + " (by " + command.requestedBy() + ": " + reason + ")");
    trail.record("drained", command.requestedBy(), command.region() + ": " + reason);
    wakeups++;
  }

  private void acceptFailback(TrafficFailback approval) {
    book.approvals.put(approval.region(), approval);
    String comment = approval.comment() == null ? "" : ": " + MessageLimits.cut(approval.comment(), MessageLimits.TEXT);
    trail.note("failback of " + approval.region() + " approved by " + approval.approver() + comment);
    trail.record("failback-approved", approval.approver(), approval.region() + comment);
    wakeups++;
  }

  private TrafficDecision decision(String region, String detail) {
    return new TrafficDecision(region, book.state(region),
        expected == null ? Map.of() : new LinkedHashMap<>(expected), detail);
  }

}
