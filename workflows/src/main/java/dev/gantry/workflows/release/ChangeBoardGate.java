package dev.gantry.workflows.release;

import dev.gantry.workflows.api.cab.CabDecision;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.cab.CabPolicy;
import dev.gantry.workflows.api.cab.ChangeBoardActivities;
import dev.gantry.workflows.api.cab.ChangeRequest;
import dev.gantry.workflows.api.cab.ChangeTicket;
import dev.gantry.workflows.api.cab.CloseChangeRequest;
import dev.gantry.workflows.api.cab.ReadDecisionRequest;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The change advisory board gate: opens a change, waits for the board's decision (read from ServiceNow, or
 * sent by a webhook board as a {@code cabDecision} message), and closes the change with the deployment's
 * outcome, or unsuccessful when the release ends before it. Overridable while the decision is pending.
 */
final class ChangeBoardGate {
  private final ChangeBoardActivities changeBoard =
      Workflow.newActivityStub(ChangeBoardActivities.class, ActivityOptionsCatalogue.CHANGE_BOARD);
  private final GateContext context;
  private final Map<String, ChangeTicket> tickets = new LinkedHashMap<>();
  private final Map<String, CabDecisionSignal> cabSignals = new LinkedHashMap<>();

  ChangeBoardGate(GateContext context) {
    this.context = context;
  }

  void decide(EnvironmentPlan env) {
    CabPolicy policy = env.cab();
    if (policy == null) {
      return;
    }
    context.progress().stage(ReleaseState.WAITING, "cab:" + env.name());
    context.progress().environment(env.name(), EnvironmentState.AWAITING_CHANGE_BOARD, "change board decision");
    context.recorder().publish(env.name());
    ChangeTicket ticket = changeBoard.openChange(new ChangeRequest(context.request().releaseId(), context.request().application(),
        context.request().version(), context.request().artifact().digest(), env.name(), context.request().requestedBy(),
        "Deploy " + context.request().application() + " " + context.request().version() + " (" + context.request().artifact().digest()
            + ") to " + env.name() + " regions " + String.join(", ", env.regions()), policy));
    tickets.put(env.name(), ticket);
    context.progress().log(env.name(), null, "change " + ticket.number() + " opened for the " + policy.type()
        + " change board" + (ticket.link() == null ? "" : ": " + ticket.link()));
    context.recorder().audit("gate", null, env.name(), "waiting", "cab: change " + ticket.number());

    long deadline = Workflow.currentTimeMillis() + policy.timeoutHoursOrDefault() * 3_600_000L;
    long interval = Math.max(1, policy.pollIntervalSecondsOrDefault()) * 1000L;
    String unreachable = null;
    long maxInterval = interval * 4;
    while (true) {
      CabDecisionSignal signalled = cabSignals.get(env.name());
      CabDecision decision;
      if (signalled != null) {
        decision = signalled.toDecision();
      } else {
        try {
          decision = changeBoard.readDecision(new ReadDecisionRequest(ticket, policy));
          unreachable = null;
        } catch (ActivityFailure failure) {
          // A board outage or an expired token must not fail a release that waits for days: say so,
          // keep waiting until the gate's own timeout.
          String reason = FailureReasons.of(failure);
          if (!reason.equals(unreachable)) {
            context.progress().log(env.name(), null, "cannot read change " + ticket.number() + ": " + reason
                + "; still waiting (fix the board connection on the worker)");
            unreachable = reason;
          }
          decision = CabDecision.pending(reason);
        }
      }
      if (CabDecision.APPROVED.equals(decision.state())) {
        context.progress().environment(env.name(), EnvironmentState.PENDING, null);
        context.outcomes().passed(env, "cab", "change " + ticket.number() + " approved" + by(decision));
        return;
      }
      if (CabDecision.REJECTED.equals(decision.state())) {
        closeChange(env, false, "rejected by the change board");
        context.outcomes().failed(env, "cab", "change " + ticket.number() + " rejected" + by(decision));
      }
      if (context.book().overridden(env.name(), "cab")) {
        context.progress().environment(env.name(), EnvironmentState.PENDING, null);
        context.outcomes().overridden(env, "cab", "change " + ticket.number() + " still pending, overridden");
        return;
      }
      long now = Workflow.currentTimeMillis();
      if (now >= deadline) {
        closeChange(env, false, "no decision within " + policy.timeoutHoursOrDefault() + "h");
        context.outcomes().failed(env, "cab", "change " + ticket.number() + ": no decision within "
            + policy.timeoutHoursOrDefault() + "h");
      }
      Workflow.await(Duration.ofMillis(Math.min(interval, deadline - now)),
          () -> cabSignals.containsKey(env.name()) || context.book().overridden(env.name(), "cab"));
      interval = Math.min(maxInterval, interval * 3 / 2);
    }
  }

  /**
   * The {@code cabDecision} signal, for change boards that call back (webhook boards).
   *
   * @param boundedInput as for {@link WindowGate#addFreeze}
   */
  String acceptCabDecision(CabDecisionSignal signal, boolean boundedInput) {
    String shapeRefusal = signal == null ? null : signal.shapeRefusal("cabDecision", boundedInput);
    if (shapeRefusal != null) {
      return shapeRefusal;
    }
    if (signal == null || signal.environment() == null) {
      return "field 'environment' is missing: send {\"environment\": \"<env>\", \"ticketId\": \"...\","
          + " \"state\": \"APPROVED|REJECTED\", \"decidedBy\": \"...\"}";
    }
    ChangeTicket ticket = tickets.get(signal.environment());
    if (ticket == null) {
      return "no change is open for " + Names.shown(signal.environment());
    }
    EnvironmentPlan env = context.request().environment(signal.environment()).orElseThrow();
    if (CabPolicy.SERVICENOW.equals(env.cab().type())) {
      return "the decision on " + ticket.number() + " is read from ServiceNow, not taken by signal";
    }
    if (!ticket.id().equals(signal.ticketId()) && !ticket.number().equals(signal.ticketId())) {
      return "field 'ticketId' is " + Names.shown(signal.ticketId()) + ", the open change is " + ticket.id();
    }
    if (!CabDecision.APPROVED.equals(signal.state()) && !CabDecision.REJECTED.equals(signal.state())) {
      return "field 'state' must be APPROVED or REJECTED";
    }
    if (cabSignals.putIfAbsent(signal.environment(), signal) != null) {
      return "the change board of " + signal.environment() + " has already decided";
    }
    return null;
  }

  /** Closes every change still open (the release failed or was cancelled before deploying). */
  void closeOpenChanges(String notes) {
    for (String environment : List.copyOf(tickets.keySet())) {
      context.request().environment(environment).ifPresent(env -> closeChange(env, false, notes));
    }
  }

  /** Closes the environment's change with the deployment's outcome; safe to call when there is none. */
  void closeChange(EnvironmentPlan env, boolean successful, String notes) {
    ChangeTicket ticket = tickets.remove(env.name());
    if (ticket == null) {
      return;
    }
    Workflow.newDetachedCancellationScope(() -> {
      try {
        changeBoard.closeChange(new CloseChangeRequest(ticket, env.cab(), successful, notes));
        context.progress().log(env.name(), null, "change " + ticket.number() + " closed: "
            + (successful ? "successful" : "unsuccessful") + " (" + notes + ")");
      } catch (ActivityFailure failure) {
        context.progress().log(env.name(), null, "could not close change " + ticket.number() + ": "
            + FailureReasons.of(failure) + "; close it by hand");
      }
    }).run();
  }

  private static String by(CabDecision decision) {
    return (decision.decidedBy() == null ? "" : " by " + decision.decidedBy())
        + (decision.reason() == null ? "" : ": " + decision.reason());
  }
}
