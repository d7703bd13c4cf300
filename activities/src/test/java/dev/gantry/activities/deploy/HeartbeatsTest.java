package dev.gantry.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.workflows.api.HealthCheck;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCanceledException;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, part 7: a cancellation reaches the work. {@link Heartbeats#during} used to swallow it, so a
 * cancelled health check ran to its end (and a cancelled deploy went on) while the workflow moved on.
 */
class HeartbeatsTest {
  @ActivityInterface(namePrefix = "HeartbeatsTest.")
  public interface Checks {
    @ActivityMethod
    String check(String command);
  }

  /** A health command run the way the worker's activities run it: inside {@link Heartbeats#during}. */
  public static class ChecksImpl implements Checks {
    @Override
    public String check(String command) {
      return Heartbeats.during(() -> new HealthChecker().check(new HealthCheck(command, null, 120, 1, 1), null,
          Map.of()).detail());
    }
  }

  @TempDir Path dir;
  private TestActivityEnvironment env;
  private Checks checks;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new ChecksImpl());
    checks = env.newActivityStub(Checks.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(3))
        .setHeartbeatTimeout(Duration.ofSeconds(5))
        .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
        .build());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aCancelledHealthCheckStopsItsCommandAndEndsCancelled() throws Exception {
    Path pid = dir.resolve("pid");
    CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
      try {
        checks.check("echo $$ > " + pid + "; sleep 100; echo done");
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(pid) || Files.readString(pid).isBlank()) {
      assertThat(System.nanoTime()).as("the check started").isLessThan(deadline);
      Thread.sleep(50);
    }
    long shell = Long.parseLong(Files.readString(pid).trim());

    env.requestCancelActivity();
    Throwable failure = outcome.get(60, TimeUnit.SECONDS); // the command alone would run 100 s

    assertThat(failure).as("the activity ended cancelled, not with a result or a failed check").isNotNull();
    assertThat(isCancellation(failure)).as(String.valueOf(failure)).isTrue();
    long stillAlive = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ProcessHandle.of(shell).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < stillAlive) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.of(shell).map(ProcessHandle::isAlive).orElse(false))
        .as("the health command was killed with the activity").isFalse();
  }

  @Test
  void withoutACancellationTheWorkEndsAsItWould() {
    assertThat(checks.check("echo healthy")).isEqualTo("healthy");
  }

  private static boolean isCancellation(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof CanceledFailure || cause instanceof ActivityCanceledException) {
        return true;
      }
    }
    return false;
  }
}
