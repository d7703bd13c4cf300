package dev.gantry.workflows.api.environment;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The schedules of one environment of an application: its drift check and, if ephemeral, its expiry. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EnvironmentSchedules(String application, String environment) {

  /** {@code drift/<app>/<env>}: the scheduled drift check. */
  public static String driftId(String application, String environment) {
    return "drift/" + application + "/" + environment;
  }

  /** {@code env-expiry/<app>/<env>}: the decommissioning of an ephemeral environment at its expiry. */
  public static String expiryId(String application, String environment) {
    return "env-expiry/" + application + "/" + environment;
  }

  public List<String> ids() {
    return List.of(expiryId(application, environment), driftId(application, environment));
  }
}
