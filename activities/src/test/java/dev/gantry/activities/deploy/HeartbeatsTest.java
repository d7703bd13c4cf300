package dev.gantry.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.local.HealthChecker;
import dev.gantry.workflows.api.deploy.HealthCheck;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionException;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.ActivityWorkerShutdownException;
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
 * Issues 16 (part 7) and 17 (part 2): a cancellation reaches the work. {@link Heartbeats#during} used to
 * swallow it, so a cancelled health check ran to its end (and a cancelled deploy went on) while the workflow
 * moved on. The activities run in Temporal's activity test environment, whose server delivers the cancel
 * on a heartbeat as the real one does.
 */
class HeartbeatsTest {
  @ActivityInterface(namePrefix = "HeartbeatsTest.")
  public interface Checks {
    @ActivityMethod
    String check(String command);

    /** Sleeps in steps of 50 ms for up to 30 s, swallowing an interrupt: it returns a result 1 s later. */
    @ActivityMethod
    String stubborn(String marker);

    /** Polls (calls {@link Heartbeats#progress}) without sleeping or checking interrupts, for up to 30 s. */
    @ActivityMethod
    String polling(String marker);

    /** Says where it is, then works 4 s in one blocking call. */
    @ActivityMethod
    String progressing(String detail);
  }

  /** A health command run the way the worker's activities run it: inside {@link Heartbeats#during}. */
  public static class ChecksImpl implements Checks {
    @Override
    public String check(String command) {
      return Heartbeats.during(() -> new HealthChecker().check(new HealthCheck(command, null, 120, 1, 1), null,
          Map.of()).detail());
    }

    @Override
    public String stubborn(String marker) {
      return Heartbeats.during(() -> {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int interrupts = 0;
        touch(Path.of(marker));
        while (System.nanoTime() < until) {
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            interrupts++;
            append(Path.of(marker), "interrupted\n");
            until = Math.min(until, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)); // finishes its step
          }
        }
        return "finished after " + interrupts + " interrupts";
      });
    }

    @Override
    public String polling(String marker) {
      return Heartbeats.during(() -> {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        touch(Path.of(marker));
        for (int poll = 0; System.nanoTime() < until; poll++) {
          Heartbeats.progress("poll " + poll);
          Thread.interrupted(); // deaf to interrupts: only progress() can stop it
          long spin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
          while (System.nanoTime() < spin) {
            Thread.onSpinWait();
          }
        }
        return "finished";
      });
    }

    @Override
    public String progressing(String detail) {
      return Heartbeats.during(() -> {
        Heartbeats.progress(detail);
        try {
          Thread.sleep(4_000);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return "done";
      });
    }
  }

  private static void touch(Path file) {
    append(file, "");
  }

  private static void append(Path file, String text) {
    try {
      Files.writeString(file, text, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
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

  @Test
  void workThatFinishesDespiteTheInterruptStillEndsCancelledNotCompleted() throws Exception {
    Path marker = dir.resolve("stubborn");
    CompletableFuture<Throwable> outcome = run(() -> checks.stubborn(marker.toString()));
    awaitFile(marker);

    env.requestCancelActivity();
    Throwable failure = outcome.get(60, TimeUnit.SECONDS);

    assertThat(Files.readString(marker)).as("the working thread was interrupted").contains("interrupted");
    assertThat(failure).as("no result: the activity rethrows the cancellation").isNotNull();
    assertThat(isCancellation(failure)).as(String.valueOf(failure)).isTrue();
  }

  @Test
  void progressStopsWorkThatIgnoresInterruptsAtItsNextPoll() throws Exception {
    Path marker = dir.resolve("polling");
    long started = System.nanoTime();
    CompletableFuture<Throwable> outcome = run(() -> checks.polling(marker.toString()));
    awaitFile(marker);

    env.requestCancelActivity();
    Throwable failure = outcome.get(60, TimeUnit.SECONDS);

    assertThat(isCancellation(failure)).as(String.valueOf(failure)).isTrue();
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started))
        .as("stopped at a poll, long before its 30 s").isLessThan(25);
  }

  @Test
  void theHeartbeatCarriesTheLatestProgress() {
    java.util.List<String> details = new java.util.concurrent.CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(String.class, details::add);
    Checks beating = env.newActivityStub(Checks.class, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(1))
        .setHeartbeatTimeout(Duration.ofSeconds(2)) // the SDK sends at most every 0.8 x 2 s
        .build());
    assertThat(beating.progressing("copying the artifact")).isEqualTo("done");
    assertThat(details).as("the beat sent while the work was blocked carries its progress")
        .contains("copying the artifact");
  }

  /**
   * Every way a heartbeat says "stop" ends the work, not only a cancel: the server no longer knows the
   * attempt (it timed out: a retry may run elsewhere), the worker is shutting down.
   */
  @Test
  void anyCompletionExceptionOfAHeartbeatInterruptsTheWorkAndIsRethrown() {
    for (ActivityCompletionException answer : java.util.List.of(
        new ActivityNotExistsException("the server no longer knows this attempt", null),
        new ActivityWorkerShutdownException())) {
      ActivityExecutionContext context = answering(answer);
      boolean[] interrupted = {false};
      assertThatThrownBy(() -> Heartbeats.during(context, () -> {
        try {
          Thread.sleep(30_000);
          return "finished";
        } catch (InterruptedException e) {
          interrupted[0] = true;
          throw new IllegalStateException("interrupted", e);
        }
      })).isSameAs(answer);
      assertThat(interrupted[0]).as(answer.getClass().getSimpleName()).isTrue();
      assertThat(Thread.currentThread().isInterrupted()).as("the thread goes back clean").isFalse();
    }
  }

  @Test
  void outsideAnActivityTheWorkSimplyRunsAndProgressDoesNothing() {
    assertThat(Heartbeats.during(() -> {
      Heartbeats.progress("nobody listens");
      return "ran";
    })).isEqualTo("ran");
  }

  /** A context whose every heartbeat gets the given answer from the "server". */
  private static ActivityExecutionContext answering(ActivityCompletionException answer) {
    return (ActivityExecutionContext) java.lang.reflect.Proxy.newProxyInstance(
        HeartbeatsTest.class.getClassLoader(), new Class<?>[] {ActivityExecutionContext.class},
        (proxy, method, args) -> {
          if (method.getName().equals("heartbeat")) {
            throw answer;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  private static CompletableFuture<Throwable> run(Runnable activity) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        activity.run();
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
  }

  private static void awaitFile(Path file) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(file)) {
      assertThat(System.nanoTime()).as(file + " appeared").isLessThan(deadline);
      Thread.sleep(20);
    }
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
