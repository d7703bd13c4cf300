package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.HealthCheck;
import java.util.List;

/**
 * Own the Route 53 weights of one application's DNS name: watch every region, keep the weights to the rules.
 *
 * @param regions           every region of the environment, in config order
 * @param healthCheck       an extra HTTP check per region and round, or null
 * @param pollSeconds       how often every region's health is read (default 30)
 * @param failbackApprovers who may approve a failback (empty: anyone who names themselves)
 * @param memory            what a previous run knew (continue-as-new); null at first
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrafficOwnerRequest(
    String application,
    String environment,
    List<String> regions,
    DeployTarget target,
    HealthCheck healthCheck,
    Integer pollSeconds,
    List<String> failbackApprovers,
    TrafficOwnerMemory memory) {

  public int pollSecondsOrDefault() {
    return pollSeconds == null ? 30 : pollSeconds;
  }

  public TrafficOwnerRequest withMemory(TrafficOwnerMemory next) {
    return new TrafficOwnerRequest(application, environment, regions, target, healthCheck, pollSeconds,
        failbackApprovers, next);
  }

  /** The DNS name whose records are owned, or null when the target has none. */
  public String recordName() {
    return target == null || target.aws() == null || target.aws().route53() == null ? null
        : target.aws().route53().recordName();
  }
}
