package dev.gantry.activities.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;

/**
 * What every real peer a test starts needs: that it is installed, a free loopback port, and waiting until
 * it serves.
 */
public final class Peers {
  private Peers() {}

  /**
   * The one way a test says it needs a real peer (moto, cosign, the registry, node, ...): on a laptop a
   * missing peer skips the test (reported as skipped, never as passed); on CI (the environment variable
   * {@code CI} is set, as every CI service sets it) it fails the test, so that a build whose tools went
   * missing cannot look green. {@code why} says what to install.
   */
  public static void require(boolean present, String why) {
    if (present) {
      return;
    }
    if (onCi()) {
      throw new AssertionError(why + " (CI is set: on CI a missing test peer fails the build instead of"
          + " skipping the test)");
    }
    Assumptions.abort(why);
  }

  /** True when the environment variable CI is set to anything but empty, {@code false} or {@code 0}. */
  public static boolean onCi() {
    String ci = System.getenv("CI");
    return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false") && !ci.equals("0");
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until {@code ready}; fails at once if the process dies, with {@code why} (e.g. its log). */
  public static void await(Process process, Duration timeout, BooleanSupplier ready, String what,
      Supplier<String> why) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(what + " exited with " + process.exitValue() + ": " + why.get());
      }
      if (ready.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(what + " was not ready within " + timeout.toSeconds() + " s: " + why.get());
  }
}
