package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A flag's rollout ({@code flags.ramps[]} in the environment config, or the CLI's options).
 *
 * @param flag          the Split flag
 * @param treatment     the treatment being rolled out (default {@code on})
 * @param offTreatment  the treatment everyone else gets (default {@code off})
 * @param steps         percentages, increasing, ending at 100 (default 10, 50, 100)
 * @param bakeMinutes   how long each step runs before its analysis (default 30)
 * @param metric        the metric the endpoint is asked for, an error-like rate (events per exposure)
 * @param maxRate       the step fails if the treatment's rate is above this, e.g. 0.02
 * @param minExposures  fewer exposures make the analysis inconclusive (default 100)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record FlagRampPlan(String flag, String treatment, String offTreatment, List<Integer> steps,
    Integer bakeMinutes, String metric, Double maxRate, Integer minExposures) {

  public String treatmentOrDefault() {
    return treatment == null ? "on" : treatment;
  }

  public String offTreatmentOrDefault() {
    return offTreatment == null ? "off" : offTreatment;
  }

  public List<Integer> stepsOrDefault() {
    return steps == null || steps.isEmpty() ? List.of(10, 50, 100) : steps;
  }

  public int bakeMinutesOrDefault() {
    return bakeMinutes == null ? 30 : bakeMinutes;
  }

  public int minExposuresOrDefault() {
    return minExposures == null ? 100 : minExposures;
  }
}
