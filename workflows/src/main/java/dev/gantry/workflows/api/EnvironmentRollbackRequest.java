package dev.gantry.workflows.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Roll an environment back from a release's version to what each region ran before it.
 *
 * @param releaseId   the release whose version is rolled back
 * @param environment the environment's plan, as that release deployed it
 * @param requestedBy who asked (a claim, recorded)
 * @param reason      why; required
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentRollbackRequest(
    String releaseId,
    String application,
    String version,
    String artifactDigest,
    EnvironmentPlan environment,
    String requestedBy,
    String reason) {

  public String workflowId() {
    return "rollback/" + application + "/" + version + "/" + environment.name();
  }
}
