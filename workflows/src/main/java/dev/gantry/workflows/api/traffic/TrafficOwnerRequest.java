package dev.gantry.workflows.api.traffic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
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

  /** The fastest and slowest health reading a request may ask for (each round reads every region). */
  public static final int MIN_POLL_SECONDS = 1;
  public static final int MAX_POLL_SECONDS = 3600;

  /**
   * The owner of an environment as policy defines it: its regions, its target, its health check's URL (never a
   * command: the owner runs none), and the people who may approve a failback (the environment's approvers).
   */
  public static TrafficOwnerRequest forEnvironment(String application, EnvironmentPlan environment,
      Integer pollSeconds, TrafficOwnerMemory memory) {
    HealthCheck check = environment.healthCheck();
    HealthCheck urlOnly = check == null ? null
        : new HealthCheck(null, check.url(), check.timeoutSeconds(), check.attempts(), check.intervalSeconds());
    List<String> approvers = environment.approval() == null || environment.approval().approvers() == null
        ? List.of() : environment.approval().approvers();
    Integer poll = pollSeconds == null ? null
        : Math.max(MIN_POLL_SECONDS, Math.min(MAX_POLL_SECONDS, pollSeconds));
    return new TrafficOwnerRequest(application, environment.name(), environment.regions(), environment.target(),
        urlOnly, poll, approvers, memory);
  }

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
