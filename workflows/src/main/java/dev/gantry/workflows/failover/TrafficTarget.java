package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.traffic.ReadTrafficRequest;
import dev.gantry.workflows.api.traffic.RegionHealth;
import dev.gantry.workflows.api.traffic.RegionHealthRequest;
import dev.gantry.workflows.api.traffic.RegionTrafficActivities;
import dev.gantry.workflows.release.FailureReasons;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The regions of one application's environment as both writers of its weights see them (the traffic owner, and
 * the per-region watch from before it): their configured weights, how their health is asked, how long a region
 * stays healthy before its failback. Pure values: no workflow command of its own but the health reads it is
 * asked to start.
 */
final class TrafficTarget {
  private final String application;
  private final String environment;
  private final List<String> regions;
  private final DeployTarget target;
  private final HealthCheck healthCheck;

  TrafficTarget(String application, String environment, List<String> regions, DeployTarget target,
      HealthCheck healthCheck) {
    this.application = application;
    this.environment = environment;
    this.regions = regions;
    this.target = target;
    this.healthCheck = healthCheck;
  }

  /** The configured weights: what every region carries when all are healthy. */
  Map<String, Integer> baseline() {
    Map<String, Integer> configured = new LinkedHashMap<>();
    AwsTarget aws = target.aws();
    for (String region : regions) {
      AwsRegionSettings settings = aws == null ? null : aws.region(region);
      configured.put(region, settings == null ? 1 : settings.weightOrDefault());
    }
    return configured;
  }

  RegionHealthRequest healthRequest(String region) {
    return new RegionHealthRequest(application, environment, region, target, healthCheck);
  }

  /** Reads the health of every region of {@code of} at once, in their order; each answer is taken later. */
  Map<String, Promise<RegionHealth>> readHealth(RegionTrafficActivities health, List<String> of) {
    Map<String, Promise<RegionHealth>> readings = new LinkedHashMap<>();
    for (String region : of) {
      readings.put(region, Async.function(health::readRegionHealth, healthRequest(region)));
    }
    return readings;
  }

  /** The health of {@code region}, or null where it could not be read (the trail says why). */
  RegionHealth readHealth(RegionTrafficActivities health, String region, TrafficTrail trail) {
    try {
      return health.readRegionHealth(healthRequest(region));
    } catch (ActivityFailure unknown) {
      trail.note(unreadable(region, unknown));
      return null;
    }
  }

  static String unreadable(String region, ActivityFailure failure) {
    return "could not read the health of " + region + ": " + FailureReasons.of(failure);
  }

  /** The weights the records hold now, or (where they cannot be read, as the trail says) the configured ones. */
  Map<String, Integer> currentWeights(RegionTrafficActivities traffic, TrafficTrail trail) {
    try {
      return traffic.readTraffic(new ReadTrafficRequest(application, environment, target)).weights();
    } catch (ActivityFailure unreadable) {
      trail.note("could not read the current weights (" + FailureReasons.of(unreadable) + "); using the configured"
          + " ones");
      return baseline();
    }
  }

  /** How long a recovered region must stay healthy before an approved failback gives it traffic. */
  int healthyForSeconds() {
    AwsTarget aws = target.aws();
    return aws == null ? 0 : aws.healthyForSecondsOrDefault();
  }

  /** What a held region waits for, as its status says it. */
  String waitingFor(String region, Boolean healthy, String approver) {
    return !Boolean.TRUE.equals(healthy) ? "the region to recover"
        : approver == null ? "a failback approval: gantry region failback " + application + " " + environment + " "
            + region + " --as <you>"
        : "the region to stay healthy for " + healthyForSeconds() + "s (approved by " + approver + ")";
  }

  /** Refuses a message (an update's validator): nothing of it enters the history. */
  static void refuse(String refusal) {
    if (refusal != null) {
      throw new IllegalArgumentException(refusal);
    }
  }

  /** Why {@code approver} may not approve a failback of {@code region} (healthy or not), or null. */
  static String failbackRefusal(List<String> failbackApprovers, String approver, String region, Boolean healthy,
      String healthDetail) {
    List<String> allowed = failbackApprovers == null ? List.of() : failbackApprovers;
    if (!allowed.isEmpty() && !allowed.contains(approver)) {
      return approver + " may not approve a failback here; allowed: " + String.join(", ", allowed);
    }
    if (!Boolean.TRUE.equals(healthy)) {
      return region + " has not recovered yet (" + healthDetail + "); approve once it is healthy";
    }
    return null;
  }
}
