package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The manual approval an environment needs before it is deployed.
 *
 * @param required     whether the gate exists at all
 * @param approvers    the people allowed to approve; anyone else is refused
 * @param minApprovals distinct approvers needed (default 1)
 * @param timeoutHours how long the gate waits before the release fails (default 72)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApprovalPolicy(
    boolean required, List<String> approvers, Integer minApprovals, Integer timeoutHours) {

  public static ApprovalPolicy none() {
    return new ApprovalPolicy(false, List.of(), 0, null);
  }

  public int minApprovalsOrDefault() {
    return minApprovals == null ? 1 : minApprovals;
  }

  public int timeoutHoursOrDefault() {
    return timeoutHours == null ? 72 : timeoutHours;
  }
}
