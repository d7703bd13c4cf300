package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.release.EnvironmentPlan;

@JsonIgnoreProperties(ignoreUnknown = true)
public record ProvisionRequest(String application, EnvironmentPlan environment, String requestedBy) {
  public String workflowId() {
    return "env-create/" + application + "/" + environment.name();
  }
}
