package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param intervalMinutes      how often the schedule runs the drift check (default 60)
 * @param remediationApprovers who may approve re-applying the declared configuration; empty: report only
 * @param approvalTimeoutHours how long a drift check with differences waits for that approval (default 24)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriftPolicy(Integer intervalMinutes, List<String> remediationApprovers, Integer approvalTimeoutHours) {
  public int intervalMinutesOrDefault() {
    return intervalMinutes == null ? 60 : intervalMinutes;
  }

  public List<String> approversOrEmpty() {
    return remediationApprovers == null ? List.of() : remediationApprovers;
  }

  public int approvalTimeoutHoursOrDefault() {
    return approvalTimeoutHours == null ? 24 : approvalTimeoutHours;
  }
}
