package dev.gantry.starter.spec;

import static dev.gantry.starter.spec.SpecChecks.checkRange;

import dev.gantry.starter.spec.EnvironmentConfigFile.ApprovalSpec;
import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code approval}: who may approve an environment, how many, for how long; who may override its other gates;
 * which messages must be signed.
 */
final class ApprovalSection {
  private ApprovalSection() {}

  static ApprovalPolicy approval(String where, ApprovalSpec spec, List<String> problems) {
    if (spec == null) {
      return ApprovalPolicy.none();
    }
    if (!Boolean.TRUE.equals(spec.required())) {
      if (spec.approvers() != null || spec.groups() != null || spec.minApprovals() != null) {
        problems.add(where + ": field 'approval.required' is " + (spec.required() == null ? "missing" : "false")
            + " but approvers are configured: set `required: true`, or remove the approval section");
      }
      // No approval gate, but the environment may still name who may override its other gates, and may
      // require every message to be signed.
      return new ApprovalPolicy(false, List.of(), 0, null, null, null, null, null, null, spec.emergencyGroup(),
          spec.signedActions(), tokenLifetime(where, spec.maxTokenLifetime(), problems));
    }
    List<String> approvers = spec.approvers() == null ? List.of() : spec.approvers();
    List<String> groups = spec.groups() == null ? List.of() : spec.groups();
    if ((approvers.isEmpty() && groups.isEmpty())
        || approvers.stream().anyMatch(SpecChecks::blank)
        || groups.stream().anyMatch(SpecChecks::blank)) {
      problems.add(where + ": field 'approval' must say who may approve: `approvers: [alice, bob]` and/or"
          + " `groups: [release-managers]`");
      return null;
    }
    int min = spec.minApprovals() == null ? 1 : spec.minApprovals();
    if (min < 1 || (groups.isEmpty() && min > approvers.size())) {
      problems.add(where + ": field 'approval.minApprovals' is " + min + "; it must be at least 1"
          + (groups.isEmpty() ? " and at most the number of approvers (" + approvers.size() + ")" : ""));
    }
    checkRange(where, "approval.timeoutHours", spec.timeoutHours(), 1, 24 * 90, problems);
    checkRange(where, "approval.expiresAfterHours", spec.expiresAfterHours(), 1, 24 * 90, problems);
    checkRange(where, "approval.escalateAfterHours", spec.escalateAfterHours(), 1, 24 * 90, problems);
    int timeout = spec.timeoutHours() == null ? 72 : spec.timeoutHours();
    if (spec.escalateAfterHours() != null && spec.escalateAfterHours() >= timeout) {
      problems.add(where + ": field 'approval.escalateAfterHours' (" + spec.escalateAfterHours()
          + ") must be less than approval.timeoutHours (" + timeout + ")");
    }
    if (spec.escalationGroup() != null && spec.escalateAfterHours() == null) {
      problems.add(where + ": field 'approval.escalationGroup' needs approval.escalateAfterHours");
    }
    // Signed is the default wherever an approval is required: a typed name is not an identity. Only an
    // explicit `signedApprovals: false` in policy keeps plain (claimed-name) approvals.
    Boolean signed = spec.signedApprovals() == null ? Boolean.TRUE : spec.signedApprovals();
    return new ApprovalPolicy(true, List.copyOf(approvers), min, spec.timeoutHours(), List.copyOf(groups),
        spec.expiresAfterHours(), spec.escalateAfterHours(), spec.escalationGroup(), signed,
        spec.emergencyGroup(), spec.signedActions(), tokenLifetime(where, spec.maxTokenLifetime(), problems));
  }

  /** {@code approval.maxTokenLifetime}: an ISO-8601 duration (PT30M), at most PT1H; null: the default 1 h. */
  private static Integer tokenLifetime(String where, String value, List<String> problems) {
    if (value == null) {
      return null;
    }
    Duration lifetime;
    try {
      lifetime = Duration.parse(value.trim());
    } catch (DateTimeParseException e) {
      problems.add(where + ": field 'approval.maxTokenLifetime' must be an ISO-8601 duration like PT30M");
      return null;
    }
    if (lifetime.getSeconds() < 60 || lifetime.getSeconds() > ActorTokens.DEFAULT_MAX_LIFETIME_SECONDS) {
      problems.add(where + ": field 'approval.maxTokenLifetime' is " + lifetime + "; allowed PT1M..PT1H"
          + " (a signed token is good for one message, soon)");
      return null;
    }
    return (int) lifetime.getSeconds();
  }
}
