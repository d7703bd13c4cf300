package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import java.util.List;

/**
 * Watch one region of an environment and move its traffic away while it is unhealthy.
 *
 * @param regions           every region of the environment, in config order (the ones that can take over)
 * @param healthCheck       an extra HTTP/command check per poll, or null
 * @param pollSeconds       how often the region's health is read (default 30)
 * @param failbackApprovers who may approve the failback (empty: anyone who names themselves)
 * @param memory            what a previous run of this watch knew (continue-as-new); null at first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RegionFailoverRequest(
    String application,
    String environment,
    String region,
    List<String> regions,
    DeployTarget target,
    HealthCheck healthCheck,
    Integer pollSeconds,
    List<String> failbackApprovers,
    FailoverMemory memory) {

  public int pollSecondsOrDefault() {
    return pollSeconds == null ? 30 : pollSeconds;
  }

  public RegionFailoverRequest withMemory(FailoverMemory next) {
    return new RegionFailoverRequest(application, environment, region, regions, target, healthCheck,
        pollSeconds, failbackApprovers, next);
  }
}
