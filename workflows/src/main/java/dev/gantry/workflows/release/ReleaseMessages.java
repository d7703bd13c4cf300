package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.window.FreezeSignal;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * The release's messages that are not approvals ({@link Approvals}) or operator controls
 * ({@link OperatorControls}), and what every message shares: a message sent before the plan is resolved
 * waits for it; a signed release checks the sender's token; what a refused message said is kept only as a
 * summary. A malformed or unauthorized message is refused and recorded, and the release goes on waiting.
 * Workflow code.
 *
 * <p>What a message said is kept the same way everywhere: an accepted message fits {@link MessageLimits};
 * of a refused one only a summary is kept (a valid name as it is, anything else shown cut by
 * {@link Names#shown}), in the status, the timeline, the audit trail and the log alike.
 */
final class ReleaseMessages {
  /** Messages that arrive before the plan is resolved wait for it; past this many they are refused. */
  static final int MAX_EARLY_MESSAGES = 50;

  private final ReleaseRun run;
  private final List<Runnable> earlyMessages = new ArrayList<>();

  ReleaseMessages(ReleaseRun run) {
    this.run = run;
  }

  /**
   * A signal that arrives before the plan is resolved (sent with the start, say) waits for the plan;
   * returns true when it was put aside.
   */
  boolean deferred(String kind, String outOfBounds, Runnable handler) {
    // a message already out of bounds is refused at once, by a short summary: nothing hostile is held
    // in memory while the plan is resolved
    if (run.isPlanned()) {
      return false;
    }
    if (outOfBounds != null && run.boundedInput()) {
      run.progress().refused(null, kind + " refused: " + MessageLimits.cut(outOfBounds, MessageLimits.TEXT));
      return true;
    }
    if (earlyMessages.size() < MAX_EARLY_MESSAGES) {
      earlyMessages.add(handler);
    } else {
      run.progress().refused(null, kind + " refused: more than " + MAX_EARLY_MESSAGES
          + " messages arrived before the release's plan was resolved");
    }
    return true;
  }

  /** The plan is resolved: the messages that waited for it are applied, in the order they came. */
  void applyEarly() {
    List<Runnable> early = List.copyOf(earlyMessages);
    earlyMessages.clear();
    early.forEach(Runnable::run);
  }

  /** The release was refused: the messages that waited are dropped, and the timeline says so. */
  void dropEarly() {
    if (!earlyMessages.isEmpty()) {
      run.progress().log(null, null, earlyMessages.size() + " message(s) sent before the refusal were not applied");
      earlyMessages.clear();
    }
  }

  /** Update validators cannot wait: before the plan exists they refuse, and the caller tries again. */
  void refuseBeforePlan() {
    if (!run.isPlanned()) {
      throw new IllegalArgumentException("the release is still resolving its plan from the worker's policy:"
          + " try again in a few seconds");
    }
  }

  /** Update validators refuse by throwing: the caller gets the reason, the history gets nothing. */
  static void refuseIfNot(GateBook.Decision decision) {
    if (!decision.accepted()) {
      IllegalArgumentException refused = new IllegalArgumentException(decision.refusal());
      refused.setStackTrace(new StackTraceElement[0]); // the Temporal UI shows the reason, not Gantry's code
      throw refused;
    }
  }

  /**
   * In a signed release, the token of a message that is not an approval, rejection or override (those are
   * checked by the gate book): null when it is good (and it is then spent), else the refusal.
   */
  String signedMessageProblem(String token, String sender, String action, String environment,
      String detail, boolean requesterMayNot) {
    SignedActors actors = run.book().actors();
    if (!actors.signed()) {
      return null;
    }
    var verdict = actors.check(token, sender, action, environment, detail, run.book().directory(),
        Workflow.currentTimeMillis());
    String refusal = verdict.good()
        ? (requesterMayNot ? actors.sameKeyAsRequester(verdict, sender, "decide for") : null)
        : verdict.problem();
    if (refusal == null) {
      actors.remember(verdict, Workflow.currentTimeMillis());
    }
    return refusal;
  }

  void freeze(FreezeSignal signal) {
    String refusal = freezeSignatureProblem(signal);
    if (refusal == null) {
      refusal = run.gates().addFreeze(signal, run.boundedInput());
    }
    refusal = MessageLimits.cut(refusal, GateBook.REFUSAL_CHARS);
    String environment = signal == null ? null : knownEnvironment(signal.environment());
    String by = signal == null ? null : actor(signal.by());
    if (refusal == null) {
      run.progress().log(environment, null, "freeze added: " + signal.from() + " to " + signal.to() + " ("
          + signal.toFreeze().reason() + ")");
      run.audit("freeze", by, environment, "accepted", signal.from() + " to " + signal.to() + ": "
          + signal.toFreeze().reason());
    } else {
      run.progress().refused(environment, "freeze refused: " + refusal);
      run.audit("freeze", by, environment, "refused", refusal);
    }
  }

  /** A freeze in a signed release: well formed first (the freeze's own checks), then signed by its sender. */
  private String freezeSignatureProblem(FreezeSignal signal) {
    if (!run.book().actors().signed() || signal == null || signal.malformed() != null
        || signal.outOfBounds() != null) {
      return null;
    }
    if (signal.by() == null || signal.by().isBlank()) {
      return "field 'by' is missing: a signed freeze names who adds it";
    }
    return signedMessageProblem(signal.token(), signal.by(), ActorTokens.FREEZE, signal.environment(),
        signal.tokenDetail(), false);
  }

  void cabDecision(CabDecisionSignal signal) {
    String refusal = cabSignatureProblem(signal);
    if (refusal == null) {
      refusal = run.gates().acceptCabDecision(signal, run.boundedInput());
    }
    refusal = MessageLimits.cut(refusal, GateBook.REFUSAL_CHARS);
    String environment = signal == null ? null : knownEnvironment(signal.environment());
    String by = signal == null ? null : actor(signal.decidedBy());
    if (refusal == null) {
      run.progress().log(environment, null, "change board decision received: " + signal.state()
          + (by == null ? "" : " by " + by));
      run.audit("cab-decision", by, environment, "accepted", signal.state() + ": " + signal.reason());
    } else {
      run.progress().refused(environment, "change board decision refused: " + refusal);
      run.audit("cab-decision", by, environment, "refused", refusal);
    }
  }

  /** A change board's decision in a signed release: signed by the board's (or member's) registered key. */
  private String cabSignatureProblem(CabDecisionSignal signal) {
    if (!run.book().actors().signed() || signal == null || signal.malformed() != null
        || signal.outOfBounds() != null) {
      return null;
    }
    if (signal.decidedBy() == null || signal.decidedBy().isBlank()) {
      return "field 'decidedBy' is missing: a signed decision names who decided";
    }
    return signedMessageProblem(signal.token(), signal.decidedBy(), ActorTokens.CAB_DECISION,
        signal.environment(), signal.tokenDetail(), true);
  }

  /** The environment a message names, if this release has it; null for any other name. */
  private String knownEnvironment(String name) {
    return name != null && run.plan().environment(name).isPresent() ? name : null;
  }

  /** Who a message says it is from, as it is kept: a valid name, or what was claimed shown cut. */
  static String actor(String claimed) {
    return claimed == null || claimed.isEmpty() ? null : kept(claimed, MessageLimits.Shape.PERSON);
  }

  /** A value as a refusal keeps it: as it is if it has the field's shape, else shown cut. */
  static String kept(String value, MessageLimits.Shape shape) {
    if (value == null) {
      return null;
    }
    return shape.admits(value) ? MessageLimits.stripSpaces(value) : Names.shown(value);
  }

  /** Free text of a refused message: as it is if short and on one line, else shown cut (64 characters). */
  static String summary(String text) {
    return text == null || (text.length() <= 64 && MessageLimits.isOneLine(text)) ? text : Names.shown(text);
  }
}
