package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * An A/B test ({@code flags.experiments[]} in the environment config).
 *
 * @param name                  the experiment's name (workflow id {@code experiment/<app>/<name>/<env>})
 * @param flag                  the Split flag whose treatments are compared
 * @param control               the baseline treatment (default {@code off})
 * @param split                 the traffic split while the experiment runs, e.g. on 50 / off 50
 * @param metric                the conversion metric the endpoint is asked for (higher is better)
 * @param minSamplePerTreatment exposures each treatment needs before the analysis
 * @param maxDurationHours      the experiment ends then, sample or not (default 336: two weeks)
 * @param checkIntervalMinutes  how often the sample is read (default 60)
 * @param alpha                 significance level (default 0.05)
 * @param decision              {@value #AUTOMATIC} (keep a significant winner, else back to control) or
 *                              {@value #MANUAL} (a person decides; default)
 * @param decisionTimeoutHours  a manual decision not taken by then rolls back to the control (default 72)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentDefinition(String name, String flag, String control, List<Allocation> split, String metric,
    Long minSamplePerTreatment, Integer maxDurationHours, Integer checkIntervalMinutes, Double alpha,
    String decision, Integer decisionTimeoutHours) {
  public static final String AUTOMATIC = "automatic";
  public static final String MANUAL = "manual";

  public String controlOrDefault() {
    return control == null ? "off" : control;
  }

  public int maxDurationHoursOrDefault() {
    return maxDurationHours == null ? 336 : maxDurationHours;
  }

  public int checkIntervalMinutesOrDefault() {
    return checkIntervalMinutes == null ? 60 : checkIntervalMinutes;
  }

  public double alphaOrDefault() {
    return alpha == null ? 0.05 : alpha;
  }

  public boolean automatic() {
    return AUTOMATIC.equals(decision);
  }

  public int decisionTimeoutHoursOrDefault() {
    return decisionTimeoutHours == null ? 72 : decisionTimeoutHours;
  }

  public List<String> treatmentNames() {
    return split.stream().map(Allocation::treatment).toList();
  }
}
