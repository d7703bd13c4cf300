package dev.gantry.workflows.release;

import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.support.VersionMarkers;
import io.temporal.workflow.Workflow;

/**
 * What the parts of one release share: the plan it runs (a skeleton with no environments until policy has
 * resolved it), its progress, its trail and published status, and the parts built from the plan (the
 * rules of the human gates, the gates, the approval gate). {@link ReleaseWorkflowImpl} owns it and adopts
 * the plan; the parts read it. Workflow code.
 */
final class ReleaseRun implements Recorder {
  /**
   * Asked once, as the release is created, before any message is handled: a later first ask (in a signal
   * handler) would put the marker after messages an older worker had already decided without it.
   */
  private final boolean boundedInput =
      Workflow.getVersion(VersionMarkers.BOUNDED_INPUT, Workflow.DEFAULT_VERSION, 1) >= 1;
  /** Asked once as the release is created, like {@link #boundedInput}. */
  private final boolean signedActors =
      Workflow.getVersion(VersionMarkers.SIGNED_ACTORS, Workflow.DEFAULT_VERSION, 1) >= 1;

  /** What the client sent: hostile until policy has resolved it. */
  private final ReleaseRequest input;
  private final ReleaseProgress progress;
  private final ReleaseTrail trail = new ReleaseTrail(this);
  private final StatusPublisher status = new StatusPublisher(this);
  private ReleaseRequest plan;
  private boolean planned;
  private GateBook book;
  private EnvironmentGates gates;
  private Approvals approvals;

  ReleaseRun(ReleaseRequest input) {
    this.input = input;
    this.plan = PlanSkeleton.of(input);
    this.progress = new ReleaseProgress(plan);
  }

  /** Builds the gates of a plan: from now on it is the plan the release runs. */
  void adopt(ReleaseRequest plan, EnvironmentGates gates, GateBook book, Approvals approvals) {
    this.plan = plan;
    this.gates = gates;
    this.book = book;
    this.approvals = approvals;
  }

  /** Messages are applied from now on (until then they wait, see {@link ReleaseMessages}). */
  void planned() {
    planned = true;
  }

  boolean isPlanned() {
    return planned;
  }

  @Override
  public void audit(String kind, String actor, String environment, String outcome, String detail) {
    trail.record(kind, actor, environment, outcome, detail);
  }

  @Override
  public void publish(String environment) {
    status.publish(environment);
  }

  /**
   * Messages are held to {@code MessageLimits} and the caps on freezes and early overrides (false only for
   * releases started before the bounds: they decide on replay as they did).
   */
  boolean boundedInput() {
    return boundedInput;
  }

  /** The rules of signed actors apply (releases started before them replay with approval tokens and names). */
  boolean signedActors() {
    return signedActors;
  }

  ReleaseRequest input() {
    return input;
  }

  ReleaseRequest plan() {
    return plan;
  }

  ReleaseProgress progress() {
    return progress;
  }

  ReleaseTrail trail() {
    return trail;
  }

  StatusPublisher status() {
    return status;
  }

  /** The rules of the human gates (approve, reject, override) and the release's approvers directory. */
  GateBook book() {
    return book;
  }

  EnvironmentGates gates() {
    return gates;
  }

  Approvals approvals() {
    return approvals;
  }
}
