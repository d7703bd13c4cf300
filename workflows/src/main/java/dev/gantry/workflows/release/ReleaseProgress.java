package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.approval.GateOverride;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.GateCheck;
import dev.gantry.workflows.api.release.Omissions;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The mutable picture of a release inside its workflow; {@link #snapshot()} is what queries see, and
 * what the release returns when it ends.
 *
 * <p>Bounded whatever clients send: the snapshot is one Temporal payload, and one over the 2 MiB blob
 * limit makes the status query fail and gets the finished release terminated by the server. So the
 * timeline keeps its latest lines within a line count and a byte budget (lines about refused messages
 * go first, the story of the release last), only the latest refused approvals and overrides are listed,
 * every kept string is cut to its field's limit on one line, and {@link Omissions} counts what was left
 * out. The whole snapshot stays under about 200 KiB of JSON; the audit trail keeps every message.
 */
final class ReleaseProgress {
  static final int TIMELINE_LINES = 300;
  /** Upper bound of the timeline's JSON, in bytes (UTF-8, escapes counted). */
  static final int TIMELINE_BYTES = 64 * 1024;
  /** Lines about refused messages kept in the timeline: the latest. */
  static final int REFUSAL_LINES = 50;
  /** Refused approvals, and refused overrides, kept in the status: the latest of each. */
  static final int REFUSALS_LISTED = 50;
  /** One timeline line or gate detail: room for "approval by <name> accepted: <comment>". */
  static final int EVENT_CHARS = 1_200;
  /** A name or reference as recorded: a valid one, or a hostile one shown cut (about 100 characters). */
  static final int NAME_CHARS = 100;

  /** A kept timeline line, what it costs, and whether it is about a refused message. */
  private record Line(TimelineEntry entry, boolean refusal, long bytes) {}

  private ReleaseRequest request;
  private final Map<String, EnvironmentState> environmentStates = new LinkedHashMap<>();
  private final Map<String, String> waitingFor = new LinkedHashMap<>();
  private final Map<String, Map<String, RegionStatus>> regions = new LinkedHashMap<>();
  private final List<Approval> approvals = new ArrayList<>();
  private final List<GateOverride> overrides = new ArrayList<>();
  private final List<GateCheck> gates = new ArrayList<>();
  private final List<dev.gantry.workflows.api.signing.SignatureRef> signatures = new ArrayList<>();
  private final List<Line> timeline = new ArrayList<>();
  private long timelineBytes;
  private int refusalLines;
  private int linesLogged;
  private int linesDropped;
  private int refusedApprovalsDropped;
  private int refusedOverridesDropped;
  private int refusedMessages;
  private final String startedAt;
  private ReleaseState state = ReleaseState.RUNNING;
  private String stage = "starting";
  private String finishedAt;
  private String failureReason;
  private String currentEnvironment;

  ReleaseProgress(ReleaseRequest request) {
    this.startedAt = now();
    plan(request);
  }

  /** The release's plan, once policy resolved it: its environments and regions start PENDING. */
  void plan(ReleaseRequest plan) {
    this.request = plan;
    for (EnvironmentPlan env : plan.environmentsOrEmpty()) {
      environmentStates.put(env.name(), EnvironmentState.PENDING);
      Map<String, RegionStatus> byRegion = new LinkedHashMap<>();
      for (String region : env.regions()) {
        byRegion.put(region, new RegionStatus(region, RegionState.PENDING, null, null));
      }
      regions.put(env.name(), byRegion);
    }
  }

  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }

  void log(String environment, String region, String event) {
    keep(environment, region, event, false);
  }

  /** A message was refused: one line in the timeline (among the latest refusals) and one more counted. */
  void refused(String environment, String event) {
    refusedMessages++;
    keep(environment, null, event, true);
  }

  private void keep(String environment, String region, String event, boolean refusal) {
    TimelineEntry entry = new TimelineEntry(now(), cut(environment, NAME_CHARS), cut(region, NAME_CHARS),
        cut(event, EVENT_CHARS), ++linesLogged);
    Line line = new Line(entry, refusal, jsonBytes(entry));
    timeline.add(line);
    timelineBytes += line.bytes();
    if (refusal) {
      refusalLines++;
    }
    while (refusalLines > REFUSAL_LINES) {
      drop(oldestRefusal());
    }
    while (timeline.size() > TIMELINE_LINES || timelineBytes > TIMELINE_BYTES) {
      drop(refusalLines > 0 ? oldestRefusal() : 0);
    }
  }

  private int oldestRefusal() {
    for (int i = 0; i < timeline.size(); i++) {
      if (timeline.get(i).refusal()) {
        return i;
      }
    }
    throw new IllegalStateException("no refusal line to drop");
  }

  private void drop(int index) {
    Line line = timeline.remove(index);
    timelineBytes -= line.bytes();
    if (line.refusal()) {
      refusalLines--;
    }
    linesDropped++;
  }

  void at(String environment) {
    currentEnvironment = environment;
  }

  void stage(ReleaseState state, String stage) {
    this.state = state;
    this.stage = stage;
  }

  void environment(String environment, EnvironmentState state, String waitingFor) {
    environmentStates.put(environment, state);
    if (waitingFor == null) {
      this.waitingFor.remove(environment);
    } else {
      this.waitingFor.put(environment, waitingFor);
    }
  }

  EnvironmentState environmentState(String environment) {
    return environmentStates.get(environment);
  }

  void region(String environment, String region, RegionState state, String previous, String detail) {
    RegionStatus before = regions.get(environment).get(region);
    String keptPrevious = previous != null ? previous : before.previousVersion();
    regions.get(environment).put(region, new RegionStatus(region, state, keptPrevious, detail));
  }

  RegionStatus region(String environment, String region) {
    return regions.get(environment).get(region);
  }

  void approval(Approval approval) {
    approvals.add(new Approval(cut(approval.environment(), NAME_CHARS), cut(approval.approver(), NAME_CHARS),
        cut(approval.comment(), MessageLimits.TEXT), approval.at(), approval.accepted(),
        cut(approval.reason(), GateBook.REFUSAL_CHARS)));
    if (!approval.accepted() && approvals.stream().filter(a -> !a.accepted()).count() > REFUSALS_LISTED) {
      approvals.remove(oldestRefused(approvals, Approval::accepted));
      refusedApprovalsDropped++;
    }
  }

  void override(GateOverride override) {
    overrides.add(new GateOverride(cut(override.environment(), NAME_CHARS), cut(override.gate(), NAME_CHARS),
        cut(override.approver(), NAME_CHARS), cut(override.justification(), MessageLimits.TEXT),
        cut(override.incident(), NAME_CHARS), override.at(), override.accepted(),
        cut(override.reason(), GateBook.REFUSAL_CHARS)));
    if (!override.accepted() && overrides.stream().filter(o -> !o.accepted()).count() > REFUSALS_LISTED) {
      overrides.remove(oldestRefused(overrides, GateOverride::accepted));
      refusedOverridesDropped++;
    }
  }

  private static <T> int oldestRefused(List<T> items, Predicate<T> accepted) {
    for (int i = 0; i < items.size(); i++) {
      if (!accepted.test(items.get(i))) {
        return i;
      }
    }
    throw new IllegalStateException("no refusal to drop");
  }

  void gate(String environment, String gate, String outcome, String detail) {
    gates.add(new GateCheck(environment, gate, outcome, cut(detail, EVENT_CHARS), now()));
  }

  void finish(ReleaseState state, String failureReason) {
    if (state == ReleaseState.FAILED) {
      // The environment the release was at when it failed (at a gate, or deploying) failed; later ones
      // were skipped.
      environmentStates.replaceAll((name, current) -> current == EnvironmentState.AWAITING_APPROVAL
          || current == EnvironmentState.AWAITING_WINDOW || current == EnvironmentState.AWAITING_CHANGE_BOARD
          || current == EnvironmentState.DEPLOYING || (name.equals(currentEnvironment)
              && current == EnvironmentState.PENDING) ? EnvironmentState.FAILED : current);
    }
    this.state = state;
    this.stage = state == ReleaseState.SUCCEEDED ? "done" : "failed";
    this.failureReason = cut(failureReason, EVENT_CHARS);
    this.finishedAt = now();
    for (Map.Entry<String, EnvironmentState> env : environmentStates.entrySet()) {
      waitingFor.remove(env.getKey());
      if (env.getValue() == EnvironmentState.PENDING) {
        env.setValue(EnvironmentState.SKIPPED);
      }
      regions.get(env.getKey()).replaceAll((name, region) -> region.state() == RegionState.PENDING
          ? new RegionStatus(name, RegionState.SKIPPED, null, null) : region);
    }
  }

  ReleaseState state() {
    return state;
  }

  String stage() {
    return stage;
  }

  String startedAt() {
    return startedAt;
  }

  void signed(List<dev.gantry.workflows.api.signing.SignatureRef> made) {
    signatures.addAll(made);
  }

  List<dev.gantry.workflows.api.signing.SignatureRef> signatures() {
    return List.copyOf(signatures);
  }

  ReleaseStatus snapshot() {
    List<EnvironmentStatus> environments = new ArrayList<>();
    for (Map.Entry<String, EnvironmentState> env : environmentStates.entrySet()) {
      environments.add(new EnvironmentStatus(env.getKey(), env.getValue(),
          List.copyOf(regions.get(env.getKey()).values()), waitingFor.get(env.getKey())));
    }
    // a refused request with no proper name is known by its workflow id
    String releaseId = request.application() == null || request.version() == null
        ? Workflow.getInfo().getWorkflowId() : request.releaseId();
    return new ReleaseStatus(releaseId, request.application(), request.version(),
        request.artifact() == null ? null : request.artifact().digest(), request.requestedBy(), state, stage,
        environments, List.copyOf(approvals), timeline.stream().map(Line::entry).toList(), startedAt,
        finishedAt, failureReason, List.copyOf(overrides), List.copyOf(gates), List.copyOf(signatures),
        request.policy(),
        new Omissions(linesDropped, refusedApprovalsDropped, refusedOverridesDropped, refusedMessages));
  }

  private static String cut(String value, int max) {
    return MessageLimits.cut(value, max);
  }

  /** An upper bound of the entry's JSON in bytes: UTF-8, with Jackson's escapes, keys and the number. */
  private static long jsonBytes(TimelineEntry entry) {
    return 80 + jsonBytes(entry.at()) + jsonBytes(entry.environment()) + jsonBytes(entry.region())
        + jsonBytes(entry.event());
  }

  private static long jsonBytes(String value) {
    if (value == null) {
      return 4;
    }
    long bytes = 2;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      bytes += c < 0x20 ? 6 : c == '"' || c == '\\' ? 2 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    return bytes;
  }
}
