package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * Start a flag ramp (workflow id {@code flag-ramp/<application>/<flag>/<environment>}).
 *
 * @param releaseId the release that started it, or null when started from the CLI
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FlagRampRequest(String application, String environment, SplitSettings split, String metricsUrl,
    FlagRampPlan plan, String requestedBy, String releaseId) {

  public String workflowId() {
    return FlagIds.ramp(application, plan.flag(), environment);
  }
}
