package dev.gantry.activities.aws;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.workflows.api.aws.AwsRegionSettings;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.traffic.RegionHealth;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.route53.model.HealthCheckObservation;

/**
 * One reading of a region's health: every configured CloudWatch alarm must be {@code OK} (ALARM and
 * INSUFFICIENT_DATA both fail: no data is no proof), the Route 53 health check (if any) must be healthy
 * in most of its checkers' observations, and the HTTP or command check (if any) must pass.
 */
public class RegionHealthChecks {
  private final AwsClients clients;
  private final HealthChecker healthChecker;

  public RegionHealthChecks(AwsClients clients, HealthChecker healthChecker) {
    this.clients = clients;
    this.healthChecker = healthChecker;
  }

  public RegionHealth read(AwsTarget aws, String region, HealthCheck extra, Map<String, String> environment) {
    List<String> passed = new ArrayList<>();
    List<String> failing = new ArrayList<>();
    checkAlarms(aws, region, passed, failing);
    checkRoute53(aws.region(region), passed, failing);
    if (extra != null && (notBlank(extra.command()) || notBlank(extra.url()))) {
      try {
        passed.add(healthChecker.check(extra, null, environment)
            .detail());
      } catch (ApplicationFailure unhealthy) {
        failing.add(unhealthy.getOriginalMessage());
      }
    }
    if (passed.isEmpty() && failing.isEmpty()) {
      passed.add("no checks configured for " + region);
    }
    boolean healthy = failing.isEmpty();
    String detail = healthy ? String.join("; ", passed)
        : String.join("; ", failing) + (passed.isEmpty() ? "" : " (passing: " + String.join("; ", passed) + ")");
    return new RegionHealth(region, healthy, detail, List.copyOf(failing));
  }

  private void checkAlarms(AwsTarget aws, String region, List<String> passed, List<String> failing) {
    List<String> names = aws.alarmsOf(region);
    if (names.isEmpty()) {
      return;
    }
    List<CloudWatchAlarms.Alarm> alarms = clients.cloudWatch(region).describe(names);
    for (String name : names) {
      CloudWatchAlarms.Alarm alarm = alarms.stream().filter(a -> name.equals(a.name())).findFirst().orElse(null);
      if (alarm == null) {
        failing.add("alarm " + name + " does not exist in " + region);
      } else if (!"OK".equals(alarm.state())) {
        failing.add("alarm " + name + " is " + alarm.state()
            + (alarm.reason() == null ? "" : " (" + alarm.reason() + ")"));
      } else {
        passed.add("alarm " + name + " OK");
      }
    }
  }

  private void checkRoute53(AwsRegionSettings settings, List<String> passed, List<String> failing) {
    if (settings == null || !notBlank(settings.healthCheckId())) {
      return;
    }
    String id = settings.healthCheckId();
    List<HealthCheckObservation> observations = AwsErrors.call("read Route 53 health check " + id,
        () -> clients.route53().getHealthCheckStatus(b -> b.healthCheckId(id)).healthCheckObservations());
    long healthy = observations.stream().filter(o -> o.statusReport() != null
        && o.statusReport().status() != null && o.statusReport().status().startsWith("Success")).count();
    if (observations.isEmpty() || healthy * 2 <= observations.size()) {
      failing.add("Route 53 health check " + id + " healthy in " + healthy + " of " + observations.size()
          + " observations");
    } else {
      passed.add("Route 53 health check " + id + " healthy");
    }
  }

  private static boolean notBlank(String value) {
    return value != null && !value.isBlank();
  }
}
