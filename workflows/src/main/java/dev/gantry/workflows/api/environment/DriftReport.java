package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param differences every difference found, expected vs actual; empty: no drift
 * @param remediation what happened to them: {@code none}, {@code applied by <approver>}, {@code declined},
 *                    {@code not approved in time}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DriftReport(String application, String environment, String checkedAt, String declaredVersion,
    List<DriftItem> differences, String remediation) {
  public boolean drifted() {
    return differences != null && !differences.isEmpty();
  }
}
