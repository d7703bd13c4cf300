package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What counts toward the approval quorum of each environment, part of {@link GateBook}: accepted approvals
 * while they have not expired, once per approver and, in a signed release, once per key. Pure logic.
 */
final class Quorum {
  private final Map<String, EnvironmentPlan> plans;
  /** Environment -> approver -> when the approval was accepted. */
  private final Map<String, Map<String, Long>> approvals = new LinkedHashMap<>();
  /** In a signed release: environment -> approver -> the key (thumbprint) that signed the approval. */
  private final Map<String, Map<String, String>> approvalKeys = new LinkedHashMap<>();

  Quorum(Map<String, EnvironmentPlan> plans) {
    this.plans = plans;
    for (String environment : plans.keySet()) {
      approvals.put(environment, new LinkedHashMap<>());
    }
  }

  /** Counts an accepted approval (and the key that signed it, if any). */
  void count(String environment, String approver, ActorTokens.Verdict verdict, long nowMillis) {
    approvals.get(environment).put(approver, nowMillis);
    if (verdict != null) {
      approvalKeys.computeIfAbsent(environment, e -> new LinkedHashMap<>()).put(approver, verdict.keyThumbprint());
    }
  }

  /** Approvers whose approval of the environment still counts at {@code nowMillis}. */
  Set<String> validApprovers(String environment, long nowMillis) {
    EnvironmentPlan env = plans.get(environment);
    Set<String> valid = new LinkedHashSet<>();
    if (env == null) {
      return valid;
    }
    Integer expiresAfterHours = env.approval().expiresAfterHours();
    for (Map.Entry<String, Long> approval : approvals.get(environment).entrySet()) {
      if (expiresAfterHours == null
          || nowMillis < approval.getValue() + expiresAfterHours * 3_600_000L) {
        valid.add(approval.getKey());
      }
    }
    return valid;
  }

  /** Approvals that count: distinct approvers, and in a signed release distinct keys. */
  int counted(String environment, long nowMillis) {
    Set<String> valid = validApprovers(environment, nowMillis);
    Map<String, String> keys = approvalKeys.get(environment);
    if (keys == null || keys.isEmpty()) {
      return valid.size();
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (String approver : valid) {
      distinct.add(keys.containsKey(approver) ? "key:" + keys.get(approver) : "name:" + approver);
    }
    return distinct.size();
  }

  /** When the oldest approval that counts will expire, or null: the gate re-checks quorum then. */
  Long nextExpiry(EnvironmentPlan env, long nowMillis) {
    Integer hours = env.approval().expiresAfterHours();
    if (hours == null) {
      return null;
    }
    return approvals.get(env.name()).values().stream()
        .map(at -> at + hours * 3_600_000L)
        .filter(at -> at > nowMillis)
        .min(Long::compare)
        .orElse(null);
  }

  /** One key counts once toward a quorum, whatever names it signs under. */
  String keyAlreadyCounted(EnvironmentPlan env, ActorTokens.Verdict verdict, long nowMillis) {
    Map<String, String> keys = approvalKeys.getOrDefault(env.name(), Map.of());
    for (String counted : validApprovers(env.name(), nowMillis)) {
      if (verdict.keyThumbprint().equals(keys.get(counted))) {
        return "the key that signed this approval already approved " + env.name() + " as " + counted
            + ": one key counts once toward the quorum";
      }
    }
    return null;
  }
}
