package dev.gantry.workflows.release;

import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.window.DeploymentWindowActivities;
import dev.gantry.workflows.api.window.DeploymentWindowPolicies;
import dev.gantry.workflows.api.window.DeploymentWindowPolicy;
import dev.gantry.workflows.api.window.Freeze;
import dev.gantry.workflows.api.window.FreezeSignal;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployment window gate: calendars and freezes from policy, and freezes added by signal while the
 * release runs. Overridable. Met before the approvals, and again after them and after waiting for the
 * environment's lock (approvals and a queue can outlast an open window).
 */
final class WindowGate {
  private final DeploymentWindowActivities windows =
      Workflow.newActivityStub(DeploymentWindowActivities.class, ActivityOptionsCatalogue.WINDOW);
  private final GateContext context;
  private final Map<String, List<Freeze>> freezes = new LinkedHashMap<>();
  private int freezesAdded;

  WindowGate(GateContext context) {
    this.context = context;
  }

  /** How long a closed window waits before it looks again (edited calendars, late freezes). */
  static final Duration WINDOW_RECHECK = Duration.ofHours(1);

  /**
   * Waits, durably, until the environment's deployment window is open: re-evaluates when the next
   * opening comes, at least hourly, and at once when a freeze or an override arrives.
   */
  void await(EnvironmentPlan env, boolean recheck) {
    DeploymentWindowPolicy policy = env.window();
    if (policy == null && !freezes.containsKey(env.name())) {
      return;
    }
    if (policy == null) {
      policy = new DeploymentWindowPolicy("UTC", List.of(), List.of(), List.of(), List.of());
    }
    String lastReason = null;
    while (true) {
      long now = Workflow.currentTimeMillis();
      WindowDecision decision = windows.evaluate(new WindowCheckRequest(env.name(), policy, now,
          freezes.getOrDefault(env.name(), List.of())));
      if (decision.open()) {
        context.progress().environment(env.name(), EnvironmentState.PENDING, null);
        if (!recheck || lastReason != null) {
          context.outcomes().passed(env, "window", decision.reason());
        }
        return;
      }
      if (context.book().overridden(env.name(), "window")) {
        context.progress().environment(env.name(), EnvironmentState.PENDING, null);
        context.outcomes().overridden(env, "window", "closed (" + decision.reason() + "), overridden");
        return;
      }
      if (!decision.reason().equals(lastReason)) {
        String waitingFor = "deployment window: " + decision.reason() + "; next opening "
            + decision.nextOpenDescription();
        context.progress().environment(env.name(), EnvironmentState.AWAITING_WINDOW, waitingFor);
        context.progress().stage(ReleaseState.WAITING, "window:" + env.name());
        context.progress().log(env.name(), null, "waiting for the " + waitingFor);
        context.recorder().audit("gate", null, env.name(), "waiting", "window: " + decision.reason());
        context.recorder().publish(env.name());
        lastReason = decision.reason();
      }
      long wakeAt = now + WINDOW_RECHECK.toMillis();
      if (decision.nextOpenEpochMillis() != null) {
        wakeAt = Math.min(wakeAt, decision.nextOpenEpochMillis());
      }
      int seen = freezesAdded;
      Workflow.await(Duration.ofMillis(Math.max(1, wakeAt - now)),
          () -> freezesAdded != seen || context.book().overridden(env.name(), "window"));
    }
  }

  /**
   * Freezes added by signal per environment. Anyone who may signal may add one (a freeze only ever makes a
   * release wait longer), and each is sent to the window check every time it looks: a flood of them must
   * not grow that request without end.
   */
  static final int FREEZES_BY_SIGNAL = 20;

  /**
   * The {@code freeze} signal: returns null if the freeze was added, else why it was refused.
   *
   * @param boundedInput hold the message to {@link dev.gantry.workflows.api.input.MessageLimits} (false only for
   *                     releases started before the limits existed)
   */
  String addFreeze(FreezeSignal signal, boolean boundedInput) {
    String shapeRefusal = signal == null ? null : signal.shapeRefusal("freeze", boundedInput);
    if (shapeRefusal != null) {
      return shapeRefusal;
    }
    if (signal == null || signal.environment() == null) {
      return "field 'environment' is missing: send {\"environment\": \"production\", \"from\": \"2026-12-24\","
          + " \"to\": \"2026-12-26\", \"reason\": \"...\"}";
    }
    EnvironmentPlan env = context.request().environment(signal.environment()).orElse(null);
    if (env == null) {
      return "no environment " + Names.shown(signal.environment()) + " in this release";
    }
    if (boundedInput && freezes.getOrDefault(env.name(), List.of()).size() >= FREEZES_BY_SIGNAL) {
      return env.name() + " already has " + FREEZES_BY_SIGNAL + " freezes added by signal, the most a release"
          + " takes: put long-lived freezes in the environment's window policy";
    }
    String zone = env.window() == null ? "UTC" : env.window().timeZone();
    List<String> problems = DeploymentWindowPolicies.freezeProblems(signal.toFreeze(), zone, "freeze");
    if (!problems.isEmpty()) {
      return String.join("; ", problems);
    }
    freezes.computeIfAbsent(env.name(), name -> new ArrayList<>()).add(signal.toFreeze());
    freezesAdded++;
    return null;
  }
}
