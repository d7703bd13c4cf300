package dev.gantry.workflows.release;

import static dev.gantry.workflows.release.GateBook.trim;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of emergency overrides, part of {@link GateBook}: only the window, quality and change board
 * gates, of an environment not yet past its gates, by a member of its emergency group who did not request
 * the release, with a justification and an incident; each gate once. Pure logic.
 */
final class OverrideRules {
  static final Set<String> OVERRIDABLE_GATES = Set.of("window", "quality", "cab");

  private final GateBook book;
  private final ReleaseRequest request;
  /** The release's environments in the order it meets them. */
  private final Map<String, EnvironmentPlan> plans;
  private final Map<String, Set<String>> overrides = new LinkedHashMap<>();

  OverrideRules(GateBook book, ReleaseRequest request, Map<String, EnvironmentPlan> plans) {
    this.book = book;
    this.request = request;
    this.plans = plans;
  }

  GateBook.Decision check(OverrideSignal signal, boolean boundedInput, long nowMillis) {
    if (signal == null) {
      return book.refuse(null, "empty override message");
    }
    String shapeRefusal = signal.shapeRefusal("override", boundedInput);
    if (shapeRefusal != null) {
      return book.refuse(trim(signal.environment()), shapeRefusal);
    }
    String approver = trim(signal.approver());
    String gate = trim(signal.gate());
    String environment = trim(signal.environment()) != null ? trim(signal.environment()) : book.currentEnvironment();
    if (approver == null) {
      return book.refuse(environment, "field 'approver' is missing or blank");
    }
    if (gate == null || !OVERRIDABLE_GATES.contains(gate)) {
      return book.refuse(environment, "field 'gate' must be window, quality or cab (got "
          + Names.shown(gate)
          + "); signature verification, approvals and required feature flags can never be overridden");
    }
    if (trim(signal.justification()) == null || signal.justification().trim().length() < 10) {
      return book.refuse(environment, "field 'justification' is required (at least 10 characters): say why"
          + " the " + gate + " gate must be skipped");
    }
    if (trim(signal.incident()) == null) {
      return book.refuse(environment, "field 'incident' is required: the incident reference, e.g. INC-4711");
    }
    EnvironmentPlan env = environment == null ? null : plans.get(environment);
    if (env == null) {
      return book.refuse(environment, "no environment " + Names.shown(environment) + " in this release");
    }
    List<String> path = List.copyOf(plans.keySet());
    if (book.currentEnvironment() != null && path.indexOf(env.name()) < path.indexOf(book.currentEnvironment())) {
      return book.refuse(env.name(), env.name() + " is already past its gates");
    }
    if (book.sameName(approver, request.requestedBy())) {
      return book.refuse(env.name(), "separation of duties: " + approver + " requested this release and cannot"
          + " override its gates");
    }
    String emergencyGroup = env.approval() == null
        ? ApprovalPolicy.DEFAULT_EMERGENCY_GROUP : env.approval().emergencyGroupOrDefault();
    Approver person = book.directory().find(approver);
    if (person == null || !person.inAnyOf(List.of(emergencyGroup))) {
      return book.refuse(env.name(), approver + " may not override gates of " + env.name() + ": only members of "
          + emergencyGroup + " may");
    }
    if (overridden(env.name(), gate)) {
      return book.refuse(env.name(), "the " + gate + " gate of " + env.name() + " is already overridden");
    }
    if (book.actors().signed()) {
      ActorTokens.Verdict verdict = book.actors().check(signal.token(), approver, ActorTokens.OVERRIDE, env.name(), gate,
          book.directory(), nowMillis);
      String refusal = verdict.good() ? book.actors().sameKeyAsRequester(verdict, approver, "override the gates of")
          : verdict.problem();
      return new GateBook.Decision(env.name(), refusal, refusal == null ? verdict : null);
    }
    return new GateBook.Decision(env.name(), null);
  }

  GateBook.Decision override(OverrideSignal signal, boolean boundedInput, long nowMillis) {
    GateBook.Decision decision = check(signal, boundedInput, nowMillis);
    if (decision.accepted()) {
      book.actors().remember(decision.verdict(), nowMillis);
      overrides.computeIfAbsent(decision.environment(), e -> new LinkedHashSet<>()).add(signal.gate().trim());
    }
    return decision;
  }

  boolean overridden(String environment, String gate) {
    return overrides.getOrDefault(environment, Set.of()).contains(gate);
  }
}
