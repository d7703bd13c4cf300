package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One treatment's numbers for a metric: {@code conversions} events among {@code exposures} users
 * (for an error metric, conversions are the errors).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TreatmentCount(String treatment, long exposures, long conversions) {
  public double rate() {
    return exposures == 0 ? 0.0 : (double) conversions / exposures;
  }
}
