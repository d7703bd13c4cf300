package dev.gantry.workflows.environment;

import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.HealthCheck;
import dev.gantry.workflows.api.environment.ReleaseLookupActivities;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/** Activity options shared by the environment workflows and the release's environment steps. */
public final class EnvironmentOptions {
  private EnvironmentOptions() {}

  /** Reads and writes of the config store, the registry and the regions' state. */
  public static final ActivityOptions STORE = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofMinutes(5))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setMaximumInterval(Duration.ofSeconds(30))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.UNSUPPORTED_TARGET, Failures.INVALID_REQUEST, Failures.AWS_ACCESS_DENIED,
              ReleaseLookupActivities.CANNOT_CHECK)
          .build())
      .build();

  /** Stack creation and deletion: long, heartbeating (a dead worker is noticed within a minute). */
  public static final ActivityOptions STACKS = ActivityOptions.newBuilder()
      .setStartToCloseTimeout(Duration.ofHours(2))
      .setHeartbeatTimeout(Duration.ofMinutes(1))
      .setRetryOptions(RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(5)
          .setDoNotRetry(Failures.UNSUPPORTED_TARGET, Failures.INVALID_REQUEST, Failures.AWS_ACCESS_DENIED,
              Failures.REGION_FAILED)
          .build())
      .build();

  /** One health check of a region, retried as its config says. */
  public static ActivityOptions health(HealthCheck check) {
    Duration interval = Duration.ofSeconds(Math.max(1, check.intervalSecondsOrDefault()));
    return ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofSeconds(check.timeoutSecondsOrDefault() + 10L))
        .setRetryOptions(RetryOptions.newBuilder()
            .setInitialInterval(interval)
            .setBackoffCoefficient(1.0)
            .setMaximumAttempts(Math.max(1, check.attemptsOrDefault()))
            .setDoNotRetry(Failures.UNSUPPORTED_TARGET, Failures.INVALID_REQUEST)
            .build())
        .build();
  }
}
