package dev.gantry.workflows.release;

import dev.gantry.workflows.api.Approval;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.EnvironmentState;
import dev.gantry.workflows.api.EnvironmentStatus;
import dev.gantry.workflows.api.GateCheck;
import dev.gantry.workflows.api.GateOverride;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.TimelineEntry;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The mutable picture of a release inside its workflow; {@link #snapshot()} is what queries see. */
final class ReleaseProgress {
  private ReleaseRequest request;
  private final Map<String, EnvironmentState> environmentStates = new LinkedHashMap<>();
  private final Map<String, String> waitingFor = new LinkedHashMap<>();
  private final Map<String, Map<String, RegionStatus>> regions = new LinkedHashMap<>();
  private final List<Approval> approvals = new ArrayList<>();
  private final List<GateOverride> overrides = new ArrayList<>();
  private final List<GateCheck> gates = new ArrayList<>();
  private final List<dev.gantry.workflows.api.signing.SignatureRef> signatures = new ArrayList<>();
  private final List<TimelineEntry> timeline = new ArrayList<>();
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
    timeline.add(new TimelineEntry(now(), environment, region, event));
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
    approvals.add(approval);
  }

  void override(GateOverride override) {
    overrides.add(override);
  }

  void gate(String environment, String gate, String outcome, String detail) {
    gates.add(new GateCheck(environment, gate, outcome, detail, now()));
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
    this.failureReason = failureReason;
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
        environments,
        List.copyOf(approvals), List.copyOf(timeline), startedAt, finishedAt, failureReason,
        List.copyOf(overrides), List.copyOf(gates), List.copyOf(signatures), request.policy());
  }
}
