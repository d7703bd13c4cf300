package dev.gantry.activities.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** What every real peer a test starts needs: a free loopback port, and waiting until it serves. */
public final class Peers {
  private Peers() {}

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
