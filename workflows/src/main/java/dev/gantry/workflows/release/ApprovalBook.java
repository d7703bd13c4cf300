package dev.gantry.workflows.release;

import dev.gantry.workflows.api.ApprovalPolicy;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.ReleaseRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether an approval counts. Pure logic, no Temporal calls, so every rule is a unit test.
 * Approvals may arrive before their gate opens (they are kept for it) but never after it passed.
 */
final class ApprovalBook {
  /** What became of one approval: the environment it applied to (if any) and the refusal (if any). */
  record Decision(String environment, String refusal) {
    boolean accepted() {
      return refusal == null;
    }
  }

  private final ReleaseRequest request;
  private final Map<String, Set<String>> accepted = new LinkedHashMap<>();
  private final Set<String> passed = new LinkedHashSet<>();
  private String openGate;

  ApprovalBook(ReleaseRequest request) {
    this.request = request;
    for (EnvironmentPlan env : request.environments()) {
      if (env.needsApproval()) {
        accepted.put(env.name(), new LinkedHashSet<>());
      }
    }
  }

  Decision consider(ApprovalSignal signal) {
    if (signal == null) {
      return refuse(null, "empty approve signal: send {\"approver\": \"<name>\", \"comment\": \"...\"}");
    }
    if (signal.malformed() != null) {
      return refuse(trim(signal.environment()), "malformed approve signal: " + signal.malformed());
    }
    String approver = trim(signal.approver());
    if (approver == null) {
      return refuse(null, "field 'approver' is missing or blank: send {\"approver\": \"<name>\", "
          + "\"comment\": \"...\"}");
    }
    Optional<EnvironmentPlan> target = targetOf(signal);
    if (target.isEmpty()) {
      String asked = trim(signal.environment());
      return refuse(asked, asked == null
          ? "no approval gate is open or ahead in this release"
          : "field 'environment': '" + asked + "' has no approval gate in this release; gates: "
              + String.join(", ", accepted.keySet()));
    }
    EnvironmentPlan env = target.get();
    if (passed.contains(env.name())) {
      return refuse(env.name(), "the approval gate of " + env.name() + " has already passed");
    }
    if (approver.equals(request.requestedBy())) {
      return refuse(env.name(), "separation of duties: " + approver
          + " requested this release and cannot approve it");
    }
    ApprovalPolicy policy = env.approval();
    List<String> allowed = policy.approvers() == null ? List.of() : policy.approvers();
    if (!allowed.contains(approver)) {
      return refuse(env.name(), "unknown approver '" + approver + "' for " + env.name()
          + "; allowed: " + String.join(", ", allowed));
    }
    if (!accepted.get(env.name()).add(approver)) {
      return refuse(env.name(), approver + " has already approved " + env.name()
          + " (each approver counts once)");
    }
    return new Decision(env.name(), null);
  }

  void open(String environment) {
    openGate = environment;
  }

  void pass(String environment) {
    passed.add(environment);
    openGate = null;
  }

  Set<String> approversOf(String environment) {
    return accepted.getOrDefault(environment, Set.of());
  }

  boolean satisfied(EnvironmentPlan env) {
    return approversOf(env.name()).size() >= env.approval().minApprovalsOrDefault();
  }

  private Optional<EnvironmentPlan> targetOf(ApprovalSignal signal) {
    String asked = trim(signal.environment());
    if (asked != null) {
      return request.environments().stream()
          .filter(env -> env.name().equals(asked) && env.needsApproval())
          .findFirst();
    }
    String gate = openGate;
    if (gate == null) {
      gate = new ArrayList<>(accepted.keySet()).stream()
          .filter(name -> !passed.contains(name))
          .findFirst()
          .orElse(null);
    }
    String chosen = gate;
    return request.environments().stream().filter(env -> env.name().equals(chosen)).findFirst();
  }

  private static Decision refuse(String environment, String reason) {
    return new Decision(environment, reason);
  }

  private static String trim(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.trim();
  }
}
