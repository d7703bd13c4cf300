package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The manual approval an environment needs before it is deployed.
 *
 * @param required           whether the gate exists at all
 * @param approvers          people allowed by name
 * @param minApprovals       distinct approvers needed (default 1)
 * @param timeoutHours       how long the gate waits before the release fails (default 72)
 * @param groups             directory groups whose members may approve (e.g. release-managers)
 * @param expiresAfterHours  an approval older than this no longer counts (default: never expires)
 * @param escalateAfterHours after this long without quorum, the escalation group is notified
 * @param escalationGroup    who is notified on escalation
 * @param signedApprovals    approvals must carry a token signed by the approver's registered key
 * @param emergencyGroup     who may override this environment's window, quality and CAB gates
 *                           (default emergency-approvers)
 * @param signedActions      every message to a release through this environment (request, approvals, overrides,
 *                           freezes, change-board decisions, pause, resume) must be signed, even where no
 *                           approval is required (policy: {@code approval.signedActions} or the application's
 *                           {@code signedActions})
 * @param maxTokenLifetimeSeconds the longest a signed token may live (exp - iat); default and ceiling 1 h
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApprovalPolicy(
    boolean required,
    List<String> approvers,
    Integer minApprovals,
    Integer timeoutHours,
    List<String> groups,
    Integer expiresAfterHours,
    Integer escalateAfterHours,
    String escalationGroup,
    Boolean signedApprovals,
    String emergencyGroup,
    Boolean signedActions,
    Integer maxTokenLifetimeSeconds) {
  public static final String DEFAULT_EMERGENCY_GROUP = "emergency-approvers";

  public ApprovalPolicy(boolean required, List<String> approvers, Integer minApprovals, Integer timeoutHours,
      List<String> groups, Integer expiresAfterHours, Integer escalateAfterHours, String escalationGroup,
      Boolean signedApprovals, String emergencyGroup) {
    this(required, approvers, minApprovals, timeoutHours, groups, expiresAfterHours, escalateAfterHours,
        escalationGroup, signedApprovals, emergencyGroup, null, null);
  }

  public ApprovalPolicy(boolean required, List<String> approvers, Integer minApprovals, Integer timeoutHours) {
    this(required, approvers, minApprovals, timeoutHours, null, null, null, null, null, null);
  }

  public static ApprovalPolicy none() {
    return new ApprovalPolicy(false, List.of(), 0, null);
  }

  public int minApprovalsOrDefault() {
    return minApprovals == null ? 1 : minApprovals;
  }

  public int timeoutHoursOrDefault() {
    return timeoutHours == null ? 72 : timeoutHours;
  }

  public List<String> approversOrEmpty() {
    return approvers == null ? List.of() : approvers;
  }

  public List<String> groupsOrEmpty() {
    return groups == null ? List.of() : groups;
  }

  public boolean signed() {
    return Boolean.TRUE.equals(signedApprovals);
  }

  public boolean signsEverything() {
    return Boolean.TRUE.equals(signedActions);
  }

  public String emergencyGroupOrDefault() {
    return emergencyGroup == null || emergencyGroup.isBlank() ? DEFAULT_EMERGENCY_GROUP : emergencyGroup;
  }

  /** The longest a signed token may live here (exp - iat), seconds: the policy's maxTokenLifetime, at most 1 h. */
  public long tokenLifetimeOrDefault() {
    return maxTokenLifetimeSeconds == null ? ActorTokens.DEFAULT_MAX_LIFETIME_SECONDS
        : Math.min(ActorTokens.DEFAULT_MAX_LIFETIME_SECONDS, maxTokenLifetimeSeconds);
  }

  /**
   * Whether {@code who} ({@code person} in the approvers directory, or null) may act for this environment where
   * it requires signed actors: named as an approver, or a member of one of its groups or of its emergency group.
   */
  public boolean approverOrEmergency(String who, Approver person) {
    boolean named = approversOrEmpty().stream().anyMatch(name -> name.equalsIgnoreCase(who));
    return named || (person != null
        && (person.inAnyOf(groupsOrEmpty()) || person.inAnyOf(List.of(emergencyGroupOrDefault()))));
  }

  /** Who may approve, in words: "alice, bob or members of release-managers". */
  public String whoMayApprove() {
    StringBuilder who = new StringBuilder(String.join(", ", approversOrEmpty()));
    if (!groupsOrEmpty().isEmpty()) {
      who.append(who.length() == 0 ? "" : " or ").append("members of ")
          .append(String.join(", ", groupsOrEmpty()));
    }
    return who.toString();
  }
}
