package dev.gantry.workflows.support;

import static org.assertj.core.api.Assertions.fail;

import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.function.Predicate;

/** Watching a release from a test: the workflow moves on its own, the test polls its status query. */
public final class Watch {
  private Watch() {}

  public static ReleaseStatus awaitStatus(ReleaseWorkflow release, Predicate<ReleaseStatus> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    ReleaseStatus last = null;
    while (System.nanoTime() < deadline) {
      last = release.status();
      if (condition.test(last)) {
        return last;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    return fail("status never reached the expected condition; last: " + last);
  }

  public static ApplicationFailure failureOfType(Throwable failure, String type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ApplicationFailure app && type.equals(app.getType())) {
        return app;
      }
    }
    return fail("no ApplicationFailure of type " + type + " in the cause chain of " + failure);
  }

  public static EnvironmentStatus environment(ReleaseStatus status, String name) {
    return status.environments().stream().filter(e -> e.environment().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no environment " + name + " in " + status));
  }
}
