package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.release.EnvironmentPlan;

/** @param remediate whether differences may be remediated (after approval) by this run */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriftRequest(String application, EnvironmentPlan environment, String requestedBy, Boolean remediate) {
  public String workflowId() {
    return "drift/" + application + "/" + environment.name();
  }
}
