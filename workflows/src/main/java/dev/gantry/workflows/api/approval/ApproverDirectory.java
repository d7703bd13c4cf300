package dev.gantry.workflows.api.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/** Who may approve: people by name, as read by the directory adapter when a release needs it. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ApproverDirectory(String source, Map<String, Approver> people) {
  public static ApproverDirectory empty() {
    return new ApproverDirectory(null, Map.of());
  }

  public Approver find(String name) {
    return people == null ? null : people.get(name);
  }
}
