package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.ApprovalTokens;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of the human gates: who may approve, reject or override, and what counts. Pure logic, no
 * Temporal calls, so every rule is a unit test; {@code check*} methods decide without changing anything
 * (update validators use them), the others decide and record.
 *
 * <p>Approvals are taken only while their gate is open, name the artifact digest they approve, and
 * count once per approver while they have not expired ({@link Quorum}). Overrides follow
 * {@link OverrideRules}.
 *
 * <p>Every message is first held to {@link MessageLimits} ({@code boundedInput}): releases started before
 * the limits existed decide without them on replay, so what they accepted then they accept again.
 */
final class GateBook {
  /** How long a refusal may be: it is kept in the status, the timeline and the audit trail. */
  static final int REFUSAL_CHARS = 600;

  /**
   * What became of one message: the environment it applied to (if any) and the refusal (if any). A
   * refusal is cut to {@link #REFUSAL_CHARS} whatever it quotes.
   */
  record Decision(String environment, String refusal, ActorTokens.Verdict verdict) {
    Decision {
      refusal = MessageLimits.cut(refusal, REFUSAL_CHARS);
    }

    Decision(String environment, String refusal) {
      this(environment, refusal, null);
    }

    boolean accepted() {
      return refusal == null;
    }
  }

  private final ReleaseRequest request;
  private final Map<String, EnvironmentPlan> plans = new LinkedHashMap<>();
  private final Quorum quorum;
  private SignedActors actors;
  private final Map<String, String> rejections = new LinkedHashMap<>();
  private final OverrideRules overrideRules;
  private final Set<String> passed = new LinkedHashSet<>();
  private ApproverDirectory directory = ApproverDirectory.empty();
  private String openGate;
  private String currentEnvironment;

  GateBook(ReleaseRequest request) {
    this(request, false);
  }

  /** {@code signedActors}: the rules of signed actors apply (releases started before them replay without). */
  GateBook(ReleaseRequest request, boolean signedActors) {
    this.request = request;
    this.actors = new SignedActors(request, signedActors);
    for (EnvironmentPlan env : request.environments()) {
      plans.put(env.name(), env);
    }
    this.quorum = new Quorum(plans);
    this.overrideRules = new OverrideRules(this, request, plans);
  }

  ApproverDirectory directory() {
    return directory;
  }

  SignedActors actors() {
    return actors;
  }

  void directory(ApproverDirectory directory) {
    this.directory = directory == null ? ApproverDirectory.empty() : directory;
  }

  void at(String environment) {
    currentEnvironment = environment;
  }

  void open(String environment) {
    openGate = environment;
  }

  void pass(String environment) {
    passed.add(environment);
    openGate = null;
  }

  // ---- approvals ----

  Decision checkApproval(ApprovalSignal signal, long nowMillis) {
    return checkApproval(signal, nowMillis, true);
  }

  Decision checkApproval(ApprovalSignal signal, long nowMillis, boolean boundedInput) {
    if (signal == null) {
      return refuse(null, "empty approve message");
    }
    String shapeRefusal = signal.shapeRefusal("approve", boundedInput);
    if (shapeRefusal != null) {
      return refuse(trim(signal.environment()), shapeRefusal);
    }
    String approver = trim(signal.approver());
    if (approver == null) {
      return refuse(trim(signal.environment()), "field 'approver' is missing or blank: send"
          + " {\"approver\": \"<name>\", \"digest\": \"" + digest() + "\", \"comment\": \"...\"}");
    }
    Decision gate = openGateFor(trim(signal.environment()));
    if (!gate.accepted()) {
      return gate;
    }
    EnvironmentPlan env = plans.get(gate.environment());
    String refusal = authorization(env, approver);
    if (refusal == null) {
      refusal = artifactMismatch(signal.digest(), signal.version());
    }
    ActorTokens.Verdict verdict = null;
    if (refusal == null && actors.signed()) {
      verdict = actors.check(signal.token(), approver, ActorTokens.APPROVE, env.name(), null, directory, nowMillis);
      refusal = verdict.good() ? actors.sameKeyAsRequester(verdict, approver, "approve") : verdict.problem();
      if (refusal == null) {
        refusal = quorum.keyAlreadyCounted(env, verdict, nowMillis);
      }
    } else if (refusal == null && env.approval().signed() && !actors.current()) {
      refusal = tokenProblem(env, approver, signal.token(), ApprovalTokens.APPROVE, nowMillis);
    }
    if (refusal == null && validApprovers(env.name(), nowMillis).contains(approver)) {
      refusal = approver + " has already approved " + env.name() + " (each approver counts once)";
    }
    return new Decision(env.name(), refusal, refusal == null ? verdict : null);
  }

  Decision approve(ApprovalSignal signal, long nowMillis) {
    return approve(signal, nowMillis, true);
  }

  Decision approve(ApprovalSignal signal, long nowMillis, boolean boundedInput) {
    Decision decision = checkApproval(signal, nowMillis, boundedInput);
    if (decision.accepted()) {
      quorum.count(decision.environment(), signal.approver().trim(), decision.verdict(), nowMillis);
      if (decision.verdict() != null) {
        actors.remember(decision.verdict(), nowMillis);
      }
    }
    return decision;
  }

  /** Approvers whose approval of the environment still counts at {@code nowMillis}. */
  Set<String> validApprovers(String environment, long nowMillis) {
    return quorum.validApprovers(environment, nowMillis);
  }

  boolean satisfied(EnvironmentPlan env, long nowMillis) {
    return quorum.counted(env.name(), nowMillis) >= env.approval().minApprovalsOrDefault();
  }

  /** Approvals that count: distinct approvers, and in a signed release distinct keys. */
  int counted(String environment, long nowMillis) {
    return quorum.counted(environment, nowMillis);
  }

  /** When the oldest approval that counts will expire, or null: the gate re-checks quorum then. */
  Long nextExpiry(EnvironmentPlan env, long nowMillis) {
    return quorum.nextExpiry(env, nowMillis);
  }

  // ---- rejections ----

  Decision checkRejection(RejectionSignal signal, long nowMillis) {
    return checkRejection(signal, nowMillis, true);
  }

  Decision checkRejection(RejectionSignal signal, long nowMillis, boolean boundedInput) {
    if (signal == null) {
      return refuse(null, "empty reject message");
    }
    String shapeRefusal = signal.shapeRefusal("reject", boundedInput);
    if (shapeRefusal != null) {
      return refuse(trim(signal.environment()), shapeRefusal);
    }
    String approver = trim(signal.approver());
    if (approver == null) {
      return refuse(trim(signal.environment()), "field 'approver' is missing or blank");
    }
    if (trim(signal.reason()) == null) {
      return refuse(trim(signal.environment()), "field 'reason' is missing: a rejection says why");
    }
    Decision gate = openGateFor(trim(signal.environment()));
    if (!gate.accepted()) {
      return gate;
    }
    EnvironmentPlan env = plans.get(gate.environment());
    String refusal = authorization(env, approver);
    ActorTokens.Verdict verdict = null;
    if (refusal == null && actors.signed()) {
      verdict = actors.check(signal.token(), approver, ActorTokens.REJECT, env.name(), null, directory, nowMillis);
      refusal = verdict.good() ? actors.sameKeyAsRequester(verdict, approver, "reject") : verdict.problem();
    } else if (refusal == null && env.approval().signed() && !actors.current()) {
      refusal = tokenProblem(env, approver, signal.token(), ApprovalTokens.REJECT, nowMillis);
    }
    return new Decision(env.name(), refusal, refusal == null ? verdict : null);
  }

  Decision reject(RejectionSignal signal, long nowMillis) {
    return reject(signal, nowMillis, true);
  }

  Decision reject(RejectionSignal signal, long nowMillis, boolean boundedInput) {
    Decision decision = checkRejection(signal, nowMillis, boundedInput);
    if (decision.accepted()) {
      actors.remember(decision.verdict(), nowMillis);
      rejections.putIfAbsent(decision.environment(),
          "rejected by " + signal.approver().trim() + ": " + signal.reason().trim());
    }
    return decision;
  }

  Optional<String> rejection(String environment) {
    return Optional.ofNullable(rejections.get(environment));
  }

  // ---- overrides (OverrideRules) ----

  Decision checkOverride(OverrideSignal signal) {
    return overrideRules.check(signal, true, 0);
  }

  Decision checkOverride(OverrideSignal signal, long nowMillis) {
    return overrideRules.check(signal, true, nowMillis);
  }

  Decision override(OverrideSignal signal) {
    return overrideRules.override(signal, true, 0);
  }

  Decision override(OverrideSignal signal, boolean boundedInput) {
    return overrideRules.override(signal, boundedInput, 0);
  }

  Decision override(OverrideSignal signal, boolean boundedInput, long nowMillis) {
    return overrideRules.override(signal, boundedInput, nowMillis);
  }

  boolean overridden(String environment, String gate) {
    return overrideRules.overridden(environment, gate);
  }

  String currentEnvironment() {
    return currentEnvironment;
  }

  // ---- shared rules ----

  private Decision openGateFor(String asked) {
    if (asked != null && !asked.equals(openGate)) {
      EnvironmentPlan env = plans.get(asked);
      if (env == null || !env.needsApproval()) {
        return refuse(asked, "field 'environment': " + Names.shown(asked) + " has no approval gate in this release");
      }
      return refuse(asked, passed.contains(asked)
          ? "the approval gate of " + asked + " has already passed"
          : "the approval gate of " + asked + " is not open yet: approvals are taken while the release"
              + " waits there");
    }
    if (openGate == null) {
      return refuse(null, "no approval gate is open now: approvals are taken while the release waits at"
          + " a gate (see `gantry release status`)");
    }
    return new Decision(openGate, null);
  }

  /** Names compare as typed; under the rules of signed actors, case does not make another person. */
  boolean sameName(String a, String b) {
    return a != null && b != null && (actors.current() ? a.equalsIgnoreCase(b) : a.equals(b));
  }

  private String authorization(EnvironmentPlan env, String approver) {
    if (sameName(approver, request.requestedBy())) {
      return "separation of duties: " + approver + " requested this release and cannot approve or reject it";
    }
    ApprovalPolicy policy = env.approval();
    if (policy.approversOrEmpty().contains(approver)) {
      return null;
    }
    Approver person = directory.find(approver);
    if (person != null && person.inAnyOf(policy.groupsOrEmpty())) {
      return null;
    }
    if (person == null) {
      return "unknown approver '" + approver + "' for " + env.name() + "; allowed: " + policy.whoMayApprove();
    }
    return approver + " is not allowed to approve " + env.name() + ": allowed are " + policy.whoMayApprove()
        + "; " + approver + " is in " + (person.groups() == null || person.groups().isEmpty()
            ? "no group" : String.join(", ", person.groups()));
  }

  private String artifactMismatch(String digest, String version) {
    String approved = trim(digest);
    if (approved == null) {
      return "field 'digest' is missing: an approval names the artifact it approves, here \"digest\": \""
          + digest() + "\"";
    }
    String expected = digest();
    String normalized = approved.startsWith("sha256:") ? approved : "sha256:" + approved;
    if (!normalized.equals(expected)) {
      return "the approval is for artifact " + approved + " but this release deploys " + expected;
    }
    if (trim(version) != null && !version.trim().equals(request.version())) {
      return "the approval is for version " + version.trim() + " but this release is " + request.version();
    }
    return null;
  }

  private String tokenProblem(EnvironmentPlan env, String approver, String token, String decision,
      long nowMillis) {
    Approver person = directory.find(approver);
    ApprovalTokens.Claims expected = new ApprovalTokens.Claims(request.releaseId(), env.name(), digest(),
        approver, decision, 0, 0);
    return ApprovalTokens.problem(token, person == null ? null : person.publicKeyPem(), expected,
        nowMillis / 1000);
  }

  private String digest() {
    return request.artifact().digest();
  }

  /**
   * A refusal names the environment only if the release has it: a name typed by a client is kept in the
   * status and the audit trail, and must not be a megabyte or a forged line.
   */
  Decision refuse(String environment, String reason) {
    return new Decision(plans.containsKey(environment) ? environment : null, reason);
  }

  static String trim(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
