package dev.gantry.workflows.api.flags;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A person's decision on a finished experiment (update {@code decide}).
 *
 * @param action    {@value #KEEP} (the treatment gets 100%) or {@value #ROLLBACK} (the control gets 100%)
 * @param treatment for {@code keep}: which treatment; null means the reported winner
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExperimentDecision(String by, String action, String treatment, String reason) {
  public static final String KEEP = "keep";
  public static final String ROLLBACK = "rollback";
}
