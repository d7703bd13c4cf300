package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param deleted the schedules that were there and are now deleted
 * @param absent  the schedules that were not there (already deleted, never created, or a server without
 *                schedules)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SchedulesDeleted(List<String> deleted, List<String> absent) {
  public String describe() {
    return (deleted.isEmpty() ? "no schedule to delete" : "deleted schedule(s) " + String.join(", ", deleted))
        + (absent.isEmpty() ? "" : "; not there: " + String.join(", ", absent));
  }
}
