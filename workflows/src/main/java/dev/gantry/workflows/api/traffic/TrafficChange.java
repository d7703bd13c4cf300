package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The outcome of a compare-and-set.
 *
 * @param outcome {@link #UNCHANGED} (Route 53 already held the weights), {@link #WRITTEN} (and read back),
 *                or {@link #CONFLICT} (Route 53 held something else, or refused the batch: nothing written)
 * @param now     what Route 53 holds now (read after the write, or when refused)
 * @param detail  one line: why refused, or what was changed
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficChange(String outcome, TrafficWeights now, String detail) {
  public static final String UNCHANGED = "unchanged";
  public static final String WRITTEN = "written";
  public static final String CONFLICT = "conflict";

  public boolean conflict() {
    return CONFLICT.equals(outcome);
  }
}
