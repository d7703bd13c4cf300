package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.release.EnvironmentPlan;

/**
 * @param drain   set the environment's traffic weights to 0 first (else a served environment is refused)
 * @param expired started by the expiry schedule of an ephemeral environment: its TTL, declared when it
 *                was created, stands for the approval
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecommissionRequest(String application, EnvironmentPlan environment, String requestedBy,
    String reason, Boolean drain, Boolean expired) {
  public String workflowId() {
    return dev.gantry.workflows.api.release.ReleaseIds.destroy(application, environment.name());
  }
}
