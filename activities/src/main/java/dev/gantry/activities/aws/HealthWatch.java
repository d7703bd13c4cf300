package dev.gantry.activities.aws;

import dev.gantry.activities.deploy.Heartbeats;
import dev.gantry.workflows.api.aws.AwsTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.HealthCheckResult;
import dev.gantry.workflows.api.temporal.Failures;
import dev.gantry.workflows.api.traffic.RegionHealth;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "Healthy for a configured time", inside one health activity: read every check, and keep reading every
 * {@code intervalSeconds} until they have all passed for {@code healthyForSeconds}. Any failed reading
 * fails the attempt (retryable {@link Failures#UNHEALTHY}); the activity's retry policy (the environment's
 * {@code attempts} and {@code intervalSeconds}) then starts the watch again from zero. The spec loader
 * makes {@code timeoutSeconds} longer than {@code healthyForSeconds}, so one attempt can finish.
 */
final class HealthWatch {
  private HealthWatch() {}

  static HealthCheckResult healthyFor(RegionHealthChecks checks, AwsTarget aws, HealthCheckRequest request,
      Map<String, String> extraEnvironment) {
    Map<String, String> environment = new LinkedHashMap<>(extraEnvironment);
    environment.put("GANTRY_APPLICATION", request.application());
    environment.put("GANTRY_VERSION", request.version());
    environment.put("GANTRY_ENVIRONMENT", request.environment());
    environment.put("GANTRY_REGION", request.region());
    HealthCheck check = request.healthCheck();
    long healthyForMillis = aws.healthyForSecondsOrDefault() * 1000L;
    long intervalMillis = Math.max(1, check == null ? 2 : check.intervalSecondsOrDefault()) * 1000L;
    long start = System.nanoTime();
    int readings = 0;
    while (true) {
      RegionHealth reading = checks.read(aws, request.region(), check, environment);
      readings++;
      if (!reading.healthy()) {
        throw ApplicationFailure.newFailure(request.region() + " unhealthy: " + reading.detail(),
            Failures.UNHEALTHY);
      }
      long elapsed = (System.nanoTime() - start) / 1_000_000;
      if (elapsed >= healthyForMillis) {
        return new HealthCheckResult(true, reading.detail() + (healthyForMillis == 0 ? ""
            : " (healthy for " + aws.healthyForSecondsOrDefault() + "s, " + readings + " readings)"));
      }
      Heartbeats.progress("healthy for " + elapsed / 1000 + "s of " + aws.healthyForSecondsOrDefault() + "s");
      LambdaTarget.sleep(Math.min(intervalMillis, healthyForMillis - elapsed));
    }
  }
}
