package dev.gantry.activities.deploy;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Heartbeats an activity while it works, from a daemon thread, so that the server notices a dead worker
 * within the activity's heartbeat timeout (seconds) instead of its start-to-close timeout (the deploy's is
 * 10 minutes, signing's 15): after a {@code kill -9} of the worker the activity is retried on another
 * worker almost at once. The SDK throttles the calls to what the timeout needs. Outside an activity (unit
 * tests, the CLI) the work simply runs.
 */
public final class Heartbeats {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "gantry-activity-heartbeats");
    thread.setDaemon(true);
    return thread;
  });
  /** Often enough for a heartbeat timeout of 10 s or more. */
  static final long PERIOD_MILLIS = 2_000;

  private Heartbeats() {}

  public static <T> T during(Supplier<T> work) {
    ActivityExecutionContext context;
    try {
      context = Activity.getExecutionContext();
    } catch (RuntimeException notInAnActivity) {
      return work.get();
    }
    ScheduledFuture<?> beat = TIMER.scheduleAtFixedRate(() -> {
      try {
        context.heartbeat(null);
      } catch (RuntimeException e) {
        // cancelled, timed out or the worker is shutting down: the activity's own outcome tells
      }
    }, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    try {
      return work.get();
    } finally {
      beat.cancel(false);
    }
  }
}
