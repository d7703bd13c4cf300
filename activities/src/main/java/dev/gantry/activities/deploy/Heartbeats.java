package dev.gantry.activities.deploy;

import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one way an activity heartbeats. {@link #during} heartbeats while the work runs, from a daemon
 * thread, so that the server notices a dead worker within the activity's heartbeat timeout (seconds)
 * instead of its start-to-close timeout (the deploy's is 10 minutes, signing's 15): after a {@code kill -9}
 * of the worker the activity is retried on another worker almost at once, also while the work is blocked
 * in one long call (a copy, an HTTP request, a health command). Work that polls says where it is with
 * {@link #progress}: the next heartbeat carries it (the Temporal UI shows it as the heartbeat details). The
 * SDK throttles the calls to what the timeout needs. Outside an activity (unit tests, the CLI) the work
 * simply runs.
 *
 * <p>Cancellation reaches the work: when a heartbeat learns that the activity must stop (the workflow
 * cancelled it: a sibling region failed, the release was aborted; or the server no longer knows this attempt,
 * the worker is shutting down, the activity was paused or reset: any {@link ActivityCompletionException}),
 * the working thread is interrupted (a health command is killed, a sleep or a wait ends, an interruptible
 * call returns), the next {@link #progress} throws, and the activity ends by rethrowing that exception,
 * never with a result: a cancelled activity is reported as cancelled ({@link ActivityCanceledException}). A
 * workflow that waits for the cancellation to complete
 * ({@code ActivityCancellationType.WAIT_CANCELLATION_COMPLETED}) then knows the work has stopped before it
 * compensates; an attempt the server gave up on stops before a retry on another worker changes the same
 * region twice at once. Work that finished anyway in the meantime (an atomic switch cannot stop half-way)
 * still ends as cancelled: the compensation that follows undoes it.
 */
public final class Heartbeats {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "gantry-activity-heartbeats");
    thread.setDaemon(true);
    return thread;
  });
  /** Often enough for a heartbeat timeout of 10 s or more. */
  static final long PERIOD_MILLIS = 2_000;
  /** The beat of the work running on this thread, if any. */
  private static final ThreadLocal<Beat> CURRENT = new ThreadLocal<>();

  private Heartbeats() {}

  /**
   * Runs the work, heartbeating every {@link #PERIOD_MILLIS}; throws the {@link ActivityCompletionException}
   * a heartbeat received instead of returning or failing.
   */
  public static <T> T during(Supplier<T> work) {
    return during(context(), work);
  }

  /** {@link #during} with the context given (tests give one whose heartbeat answers as they need). */
  static <T> T during(ActivityExecutionContext context, Supplier<T> work) {
    if (context == null || CURRENT.get() != null) {
      return work.get(); // not in an activity, or already inside a beat of this activity
    }
    Beat beat = new Beat(context, Thread.currentThread());
    CURRENT.set(beat);
    ScheduledFuture<?> timer = TIMER.scheduleAtFixedRate(beat::beat, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    T result;
    try {
      result = work.get();
    } catch (RuntimeException | Error failure) {
      ActivityCompletionException stopped = beat.end();
      if (stopped != null) {
        throw stopped; // the work's own failure is most likely the interrupt's doing
      }
      throw failure;
    } finally {
      timer.cancel(false);
      CURRENT.remove();
    }
    ActivityCompletionException stopped = beat.end();
    if (stopped != null) {
      throw stopped;
    }
    return result;
  }

  /**
   * Where the work is ("waiting for the code update of f in eu-west-1"), for the next heartbeat; a point
   * where the work stops: throws the {@link ActivityCompletionException} when the activity must stop. Inside
   * {@link #during} it only records (the beat sends); in an activity without it, it heartbeats itself;
   * outside an activity it does nothing.
   */
  public static void progress(String detail) {
    Beat beat = CURRENT.get();
    if (beat != null) {
      beat.detail = detail;
      beat.throwIfStopped();
      return;
    }
    ActivityExecutionContext context = context();
    if (context != null) {
      context.heartbeat(detail);
    }
  }

  private static ActivityExecutionContext context() {
    try {
      return Activity.getExecutionContext();
    } catch (RuntimeException notInAnActivity) {
      return null;
    }
  }

  /** One activity's heartbeat: the timer beats, the working thread reads whether it must stop. */
  private static final class Beat {
    private final ActivityExecutionContext context;
    private final Thread working;
    private volatile String detail;
    private ActivityCompletionException stopped; // guarded by this
    private boolean done; // guarded by this

    Beat(ActivityExecutionContext context, Thread working) {
      this.context = context;
      this.working = working;
    }

    /** On the timer thread. */
    void beat() {
      try {
        context.heartbeat(detail);
      } catch (ActivityCompletionException mustStop) {
        synchronized (this) {
          if (!done && stopped == null) {
            stopped = mustStop;
            working.interrupt(); // the work stops where it can: a process wait, a sleep, an HTTP call
          }
        }
      } catch (RuntimeException e) {
        // the server could not be reached: the SDK retries, and a lost worker is what the timeout is for
      }
    }

    synchronized void throwIfStopped() {
      if (stopped != null) {
        throw stopped;
      }
    }

    /** The work ended: no more interrupts; the exception if one arrived (and our interrupt flag cleared). */
    ActivityCompletionException end() {
      ActivityCompletionException received;
      synchronized (this) {
        done = true;
        received = stopped;
      }
      if (received != null) {
        Thread.interrupted(); // our interrupt is spent: the thread goes back to the worker's pool clean
      }
      return received;
    }
  }
}
