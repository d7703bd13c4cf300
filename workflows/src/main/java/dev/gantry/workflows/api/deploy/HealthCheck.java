package dev.gantry.workflows.api.deploy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How a region proves it is healthy after a deploy. Exactly one of {@code command} or {@code url}.
 *
 * @param command        shell command run with {@code sh -c}; exit code 0 means healthy
 * @param url            HTTP(S) URL; a 2xx answer means healthy
 * @param timeoutSeconds limit for one check (default 30)
 * @param attempts       checks before the region is declared unhealthy (default 3)
 * @param intervalSeconds pause between attempts (default 2)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HealthCheck(
    String command, String url, Integer timeoutSeconds, Integer attempts, Integer intervalSeconds) {

  public int timeoutSecondsOrDefault() {
    return timeoutSeconds == null ? 30 : timeoutSeconds;
  }

  public int attemptsOrDefault() {
    return attempts == null ? 3 : attempts;
  }

  public int intervalSecondsOrDefault() {
    return intervalSeconds == null ? 2 : intervalSeconds;
  }
}
