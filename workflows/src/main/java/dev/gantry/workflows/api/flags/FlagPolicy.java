package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * The {@code flags:} section of {@code environments/<env>/config.yaml}.
 *
 * @param split       how the worker reaches Split for this environment
 * @param required    flags that must exist, not killed, before the environment deploys
 * @param metricsUrl  the HTTP metrics endpoint for ramp analysis and experiments
 * @param ramps       flag ramps the release starts once the environment is deployed
 * @param experiments A/B tests that can be started for this environment ({@code gantry experiment start})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FlagPolicy(SplitSettings split, List<String> required, String metricsUrl, List<FlagRampPlan> ramps,
    List<ExperimentDefinition> experiments) {

  public List<String> requiredOrEmpty() {
    return required == null ? List.of() : required;
  }

  public List<FlagRampPlan> rampsOrEmpty() {
    return ramps == null ? List.of() : ramps;
  }

  public List<ExperimentDefinition> experimentsOrEmpty() {
    return experiments == null ? List.of() : experiments;
  }
}
