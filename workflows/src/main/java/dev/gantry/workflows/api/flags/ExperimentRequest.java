package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentRequest(String application, String environment, SplitSettings split, String metricsUrl,
    ExperimentDefinition experiment, String requestedBy) {

  public String workflowId() {
    return FlagIds.experiment(application, experiment.name(), environment);
  }
}
