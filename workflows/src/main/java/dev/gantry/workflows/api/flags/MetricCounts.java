package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The endpoint's answer: counts per treatment (treatments with no traffic may be absent). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MetricCounts(String flag, String metric, List<TreatmentCount> treatments) {
  public TreatmentCount of(String treatment) {
    if (treatments != null) {
      for (TreatmentCount count : treatments) {
        if (count.treatment().equals(treatment)) {
          return count;
        }
      }
    }
    return new TreatmentCount(treatment, 0, 0);
  }
}
