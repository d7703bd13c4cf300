package dev.gantry.activities.deploy;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Heartbeats an activity while it works, from a daemon thread, so that the server notices a dead worker
 * within the activity's heartbeat timeout (seconds) instead of its start-to-close timeout (the deploy's is
 * 10 minutes, signing's 15): after a {@code kill -9} of the worker the activity is retried on another
 * worker almost at once. The SDK throttles the calls to what the timeout needs. Outside an activity (unit
 * tests, the CLI) the work simply runs.
 *
 * <p>Cancellation reaches the work: when a heartbeat learns that the workflow cancelled the activity (a
 * sibling region failed, the release was aborted), the working thread is interrupted (a health command is
 * killed, a sleep or a wait ends) and the activity ends with {@link ActivityCanceledException}, which the
 * SDK reports as cancelled. A workflow that waits for the cancellation to complete
 * ({@code ActivityCancellationType.WAIT_CANCELLATION_COMPLETED}) then knows the work has stopped before it
 * compensates. Work that finished anyway in the meantime (an atomic switch cannot stop half-way) still
 * ends as cancelled: the compensation that follows undoes it.
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
    Thread working = Thread.currentThread();
    AtomicReference<ActivityCompletionException> stopped = new AtomicReference<>();
    Object lock = new Object();
    boolean[] done = {false};
    ScheduledFuture<?> beat = TIMER.scheduleAtFixedRate(() -> {
      try {
        context.heartbeat(null);
      } catch (ActivityCanceledException cancelled) {
        synchronized (lock) {
          if (!done[0] && stopped.compareAndSet(null, cancelled)) {
            working.interrupt(); // the work stops where it can: a process wait, a sleep, an HTTP call
          }
        }
      } catch (RuntimeException e) {
        // timed out, or the worker is shutting down: the activity's own outcome tells
      }
    }, 0, PERIOD_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    T result;
    try {
      result = work.get();
    } catch (RuntimeException | Error failure) {
      ActivityCompletionException cancelled = finish(stopped, lock, done);
      if (cancelled != null) {
        throw cancelled;
      }
      throw failure;
    } finally {
      beat.cancel(false);
    }
    ActivityCompletionException cancelled = finish(stopped, lock, done);
    if (cancelled != null) {
      throw cancelled;
    }
    return result;
  }

  /** The work ended: no more interrupts; the cancellation if one arrived (its interrupt flag cleared). */
  private static ActivityCompletionException finish(AtomicReference<ActivityCompletionException> stopped,
      Object lock, boolean[] done) {
    synchronized (lock) {
      done[0] = true;
    }
    ActivityCompletionException cancelled = stopped.get();
    if (cancelled != null) {
      Thread.interrupted(); // our interrupt is spent: the thread goes back to the worker's pool clean
    }
    return cancelled;
  }
}
