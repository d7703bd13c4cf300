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
   * The one way a test says it needs a real peer (moto, cosign, the registry, node, the dev server, a browser,
   * ...): on a laptop a missing peer skips the test (reported as skipped, never as passed); where peers are
   * required ({@link #required()}: {@code .ci/run} sets {@code GANTRY_REQUIRE_PEERS=1}, and every CI service
   * sets {@code CI}) it fails the test, so that a build whose tools went missing cannot look green.
   * {@code why} says what to install.
   */
  public static void require(boolean present, String why) {
    if (present) {
      return;
    }
    if (required()) {
      throw new AssertionError(why + " (" + requiredBecause() + ": a missing test peer fails the test instead of"
          + " skipping it)");
    }
    Assumptions.abort(why);
  }

  /**
   * True when a missing peer must fail its test: the environment variable {@code GANTRY_REQUIRE_PEERS} or
   * {@code CI} is set to anything but empty, {@code false} or {@code 0}.
   */
  public static boolean required() {
    return set("GANTRY_REQUIRE_PEERS") || set("CI");
  }

  private static String requiredBecause() {
    return set("GANTRY_REQUIRE_PEERS") ? "GANTRY_REQUIRE_PEERS is set" : "CI is set";
  }

  private static boolean set(String variable) {
    String value = System.getenv(variable);
    return value != null && !value.isBlank() && !value.equalsIgnoreCase("false") && !value.equals("0");
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
