package dev.gantry.workflows.region;

import dev.gantry.workflows.api.deploy.DeployResult;
import dev.gantry.workflows.api.deploy.DeploymentActivities;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.deploy.RegionDeploymentRequest;
import dev.gantry.workflows.api.deploy.RegionDeploymentResult;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.rollout.AnalysisActivities;
import dev.gantry.workflows.api.rollout.AnalysisPolicy;
import dev.gantry.workflows.api.rollout.AnalysisRequest;
import dev.gantry.workflows.api.rollout.AnalysisResult;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.RolloutPolicy;
import dev.gantry.workflows.api.rollout.RolloutStatus;
import dev.gantry.workflows.api.rollout.TrafficShiftActivities;
import dev.gantry.workflows.api.rollout.WeightRequest;
import dev.gantry.workflows.api.rollout.WeightResult;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * A progressive rollout in one region: dark launch at 0% with a smoke check against the new version,
 * then the policy's traffic steps, each baked and analysed; a failed analysis or an abort throws (the
 * region workflow then rolls the region back), an inconclusive one waits for a person until its deadline
 * and then takes the policy's default. Lives inside {@link RegionDeploymentWorkflowImpl}: deterministic.
 */
final class Rollout {
  private static final Logger log = Workflow.getLogger(Rollout.class);

  private static final ActivityOptions WEIGHT_OPTIONS = ActivityOptionsCatalogue.TRAFFIC_WEIGHTS;
  private static final ActivityOptions ANALYSIS_OPTIONS = ActivityOptionsCatalogue.CANARY_ANALYSIS;

  private final RegionDeploymentRequest request;
  private final RolloutPolicy policy;
  private final Consumer<RegionStatus> publish;
  private final TrafficShiftActivities traffic;
  private final TrafficShiftActivities smoke;
  private final DeploymentActivities health;
  private final AnalysisActivities analysis;

  private String phase = "dark";
  private int step;
  private int weight;
  private String lastAnalysis;
  private Long nextStepAt;
  private String waitingFor;
  private String lastCommand;
  private String previousVersion;
  private boolean active = true;
  private boolean paused;
  private boolean resumed;
  private CanaryCommand promoted;
  private CanaryCommand aborted;
  private final List<String> history = new ArrayList<>();

  /**
   * @param cancellable the region's {@code cancellable-region} version: the traffic and check activities
   *     heartbeat and wait for their cancellation to complete, so the region is rolled back only once they
   *     have stopped; a check's activity timeout is not its verdict
   */
  Rollout(RegionDeploymentRequest request, Consumer<RegionStatus> publish, boolean cancellable) {
    this.request = request;
    this.policy = request.rollout();
    this.publish = publish;
    this.cancellable = cancellable;
    ActivityOptions checks = cancellable
        ? RegionDeploymentWorkflowImpl.cancellableHealthCheckOptions(request.healthCheck())
        : RegionDeploymentWorkflowImpl.healthCheckOptions(request.healthCheck());
    this.smoke = Workflow.newActivityStub(TrafficShiftActivities.class, checks);
    this.health = Workflow.newActivityStub(DeploymentActivities.class, checks);
    this.traffic = Workflow.newActivityStub(TrafficShiftActivities.class,
        cancellable ? RegionDeploymentWorkflowImpl.cancellable(WEIGHT_OPTIONS) : WEIGHT_OPTIONS);
    // reads metrics, changes nothing: cancelled at once (TRY_CANCEL), as before
    this.analysis = Workflow.newActivityStub(AnalysisActivities.class, ANALYSIS_OPTIONS);
  }

  private final boolean cancellable;

  /** Installs the new version beside the stable one with no user traffic. */
  DeployResult deployDark() {
    show("dark launch of " + request.version() + " at 0% of the traffic");
    DeployResult deployed = traffic.deployDark(request.toDeploy());
    previousVersion = deployed.previousVersion();
    if (deployed.alreadyCurrent()) {
      active = false;
      phase = "done";
      weight = 100;
    }
    return deployed;
  }

  /** From the dark launch to 100%: throws (type {@link Failures#REGION_FAILED}) to have the region undone. */
  RegionDeploymentResult run(DeployResult deployed) {
    show("smoke check of " + request.version() + " at 0% (no user traffic)");
    HealthCheckResult smoked = cancellable
        ? RegionDeploymentWorkflowImpl.surviveLostWorker(() -> smoke.smokeCheck(request.toHealthCheck()),
            "smoke check", request, true)
        : smoke.smokeCheck(request.toHealthCheck());
    history.add("dark 0% smoke ok");
    if (policy.holdsDark()) {
      phase = "held";
      waitFor("dark launch holds " + request.version() + " at 0%: resume or promote to go on, abort to roll back",
          null);
      stopIfAborted();
    }
    List<Integer> steps = policy.steps();
    for (int i = 0; i < steps.size() && promoted == null; i++) {
      holdWhilePaused();
      stopIfAborted();
      if (promoted != null) {
        break;
      }
      step = i + 1;
      long stepStarted = Workflow.currentTimeMillis();
      shift(steps.get(i));
      bake();
      stopIfAborted();
      if (promoted != null) {
        break;
      }
      analyse(stepStarted);
    }
    if (weight < 100) {
      phase = "promoted";
      shift(100);
    }
    show("checking health of " + request.version() + " at 100%");
    HealthCheckResult healthy = cancellable
        ? RegionDeploymentWorkflowImpl.surviveLostWorker(() -> health.checkHealth(request.toHealthCheck()),
            "health check", request, true)
        : health.checkHealth(request.toHealthCheck());
    active = false;
    phase = "done";
    nextStepAt = null;
    waitingFor = null;
    String summary = policy.strategy() + " " + String.join(" -> ", history);
    publish.accept(new RegionStatus(request.region(), RegionState.DEPLOYED, previousVersion,
        healthy.detail() + "; " + summary, status()));
    log.info("rollout done release={} region={} {}", request.releaseId(), request.region(), summary);
    return new RegionDeploymentResult(request.region(), request.version(), previousVersion, false,
        healthy.detail() + "; " + summary + (smoked == null ? "" : ""));
  }

  private void shift(int percent) {
    show("shifting " + percent + "% of the traffic to " + request.version());
    WeightResult result = traffic.setWeight(new WeightRequest(request.releaseId(), request.application(),
        request.version(), request.environment(), request.region(), request.target(), percent));
    weight = result.weight();
    history.add(weight + "%");
  }

  private void bake() {
    int seconds = policy.bakeSecondsOrDefault();
    phase = "baking";
    nextStepAt = Workflow.currentTimeMillis() + seconds * 1000L;
    show("baking " + weight + "% for " + seconds + "s");
    Workflow.await(Duration.ofSeconds(seconds), () -> promoted != null || aborted != null);
    nextStepAt = null;
  }

  private void analyse(long since) {
    AnalysisPolicy rules = policy.analysis();
    if (rules == null) {
      return;
    }
    phase = "analysing";
    show("analysing step " + step + " (" + weight + "%)");
    AnalysisResult result;
    try {
      result = analysis.analyze(new AnalysisRequest(request.releaseId(), request.application(),
          request.environment(), request.region(), request.version(), previousVersion, step, weight, rules,
          since));
    } catch (ActivityFailure unreadable) {
      result = AnalysisResult.inconclusive("metrics could not be read: " + FailureReasons.of(unreadable));
    }
    lastAnalysis = result.verdict() + ": " + result.detail();
    history.set(history.size() - 1, history.get(history.size() - 1) + " " + result.verdict());
    log.info("analysis release={} region={} step={} weight={} {}", request.releaseId(), request.region(), step,
        weight, lastAnalysis);
    if (AnalysisResult.FAIL.equals(result.verdict())) {
      throw stop("analysis failed at " + weight + "% (step " + step + "/" + policy.steps().size() + "): "
          + result.detail());
    }
    if (AnalysisResult.INCONCLUSIVE.equals(result.verdict())) {
      decideInconclusive(rules, result);
      return;
    }
    phase = "baked";
  }

  private void decideInconclusive(AnalysisPolicy rules, AnalysisResult result) {
    phase = "inconclusive";
    int wait = rules.inconclusiveWaitSecondsOrDefault();
    String fallback = rules.onInconclusiveOrDefault();
    boolean decided = waitFor("analysis inconclusive at " + weight + "% (" + result.detail() + "): resume"
        + " (counts as a pass), promote or abort; otherwise " + fallback + " at the deadline",
        Duration.ofSeconds(wait));
    stopIfAborted();
    if (!decided) {
      lastCommand = "nobody decided within " + wait + "s: " + fallback + " (onInconclusive)";
      if (AnalysisPolicy.PROMOTE.equals(fallback)) {
        promoted = new CanaryCommand(CanaryCommand.PROMOTE, "gantry", "onInconclusive: promote");
      } else {
        throw stop("analysis inconclusive at " + weight + "% and nobody decided within " + wait
            + "s: rolled back (onInconclusive: rollback)");
      }
    }
  }

  /** Waits for resume, promote or abort (or the deadline); true if a person decided. */
  private boolean waitFor(String what, Duration deadline) {
    waitingFor = what;
    resumed = false;
    nextStepAt = deadline == null ? null : Workflow.currentTimeMillis() + deadline.toMillis();
    show(what);
    boolean decided;
    if (deadline == null) {
      Workflow.await(() -> resumed || promoted != null || aborted != null);
      decided = true;
    } else {
      decided = Workflow.await(deadline, () -> resumed || promoted != null || aborted != null);
    }
    waitingFor = null;
    nextStepAt = null;
    return decided;
  }

  private void holdWhilePaused() {
    if (!paused) {
      return;
    }
    String before = phase;
    phase = "paused";
    waitingFor = "paused at " + weight + "%: resume, promote or abort";
    show(waitingFor);
    Workflow.await(() -> !paused || promoted != null || aborted != null);
    waitingFor = null;
    phase = before;
  }

  private void stopIfAborted() {
    if (aborted != null) {
      throw stop("aborted at " + weight + "% by " + aborted.by() + ": " + aborted.reason());
    }
  }

  private ApplicationFailure stop(String reason) {
    phase = "failed";
    active = false;
    return ApplicationFailure.newNonRetryableFailure(reason, Failures.REGION_FAILED);
  }

  void failed(String reason) {
    active = false;
    phase = "failed";
    nextStepAt = null;
    waitingFor = null;
  }

  // --- commands -------------------------------------------------------------------------------------

  /** Null when the command applies now, else why not (validators and signals share this). */
  String refusal(CanaryCommand command) {
    String problem = command.problem();
    if (problem != null) {
      return problem;
    }
    if (!active) {
      return request.region() + ": the rollout is " + phase + "; nothing to " + command.action();
    }
    if (aborted != null) {
      return request.region() + " is already being rolled back (abort by " + aborted.by() + ")";
    }
    switch (command.action()) {
      case CanaryCommand.PROMOTE:
        return promoted != null ? request.region() + " is already being promoted (by " + promoted.by() + ")" : null;
      case CanaryCommand.PAUSE:
        return paused ? request.region() + " is already paused" : null;
      case CanaryCommand.RESUME:
        return paused || waitingFor != null ? null
            : request.region() + " is neither paused nor waiting for a person: nothing to resume";
      default:
        return null;
    }
  }

  /** Applies a command that {@link #refusal} let through; returns what happens now. */
  String accept(CanaryCommand command) {
    String outcome;
    switch (command.action()) {
      case CanaryCommand.PROMOTE -> {
        promoted = command;
        paused = false;
        outcome = "promoting " + request.version() + " to 100% in " + request.region() + " (remaining steps skipped)";
      }
      case CanaryCommand.ABORT -> {
        aborted = command;
        outcome = "rolling " + request.region() + " back now";
      }
      case CanaryCommand.PAUSE -> {
        paused = true;
        outcome = "holding " + request.region() + " at " + weight + "% before the next step";
      }
      default -> {
        if (paused) {
          paused = false;
        } else {
          resumed = true;
        }
        outcome = "going on in " + request.region();
      }
    }
    lastCommand = command.action() + " by " + command.by() + " (" + command.reason() + "): " + outcome;
    log.info("canary command release={} region={} {}", request.releaseId(), request.region(), lastCommand);
    show(null);
    return outcome;
  }

  void refused(CanaryCommand command, String refusal) {
    lastCommand = "refused " + command.action() + (command.by() == null ? "" : " by " + command.by()) + ": "
        + refusal;
    log.warn("canary command refused release={} region={} {}", request.releaseId(), request.region(), refusal);
    show(null);
  }

  RolloutStatus status() {
    return new RolloutStatus(policy.strategy(), phase, step, policy.steps().size(), weight, lastAnalysis,
        nextStepAt == null ? null : Instant.ofEpochMilli(nextStepAt).toString(), waitingFor, lastCommand);
  }

  private String lastDetail;

  private void show(String detail) {
    if (detail != null) {
      lastDetail = detail;
    }
    publish.accept(new RegionStatus(request.region(), RegionState.DEPLOYING, previousVersion, lastDetail,
        status()));
  }
}
