package dev.gantry.starter.client;

import dev.gantry.starter.support.DevServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A closed client leaves no network thread waiting in its selector. Such a thread is in native code, and a JVM
 * that exits waits about 300 ms for threads in native code: gRPC's shared network threads outlive a channel by a
 * second, and cost every CLI command that much until the client ran on a network thread of its own, stopped on
 * close. Against the real dev server (a separate process, so every selector in this JVM is the client's) and
 * against a closed port.
 */
class ClientNetworkThreadsTest {
  @TempDir static Path scratch;
  private static DevServer devServer;
  private static String devAddress;

  @BeforeAll
  static void startDevServer() throws Exception {
    devServer = DevServer.start(scratch);
    devAddress = devServer.address();
  }

  @AfterAll
  static void stopDevServer() throws Exception {
    if (devServer != null) {
      devServer.close();
    }
  }

  /**
   * Starts from a JVM whose selectors are quiet: a thread another test left (gRPC's shared ones linger a second)
   * would be reused by a client on gRPC's shared threads, which then started none this test could see.
   */
  @BeforeEach
  void noThreadSelects() {
    assertThat(eventually(() -> selecting(Set.of()).isEmpty())).as("threads in a selector before the test: "
        + selecting(Set.of())).isTrue();
  }

  @Test
  void aClosedClientLeavesNoThreadInItsSelector() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (GantryClient gantry = GantryClient.connect(devAddress, "default")) {
      // a call that went over the network: the channel and its thread are up
      assertThatThrownBy(() -> gantry.execution("release/no-such-app/0.0.1"))
          .isInstanceOf(ReleaseNotFoundException.class);
      assertThat(eventually(() -> !selecting(before).isEmpty())).as("while open, a network thread selects")
          .isTrue();
    }
    assertThat(selecting(before)).as("threads left in a selector after close").isEmpty();
  }

  @Test
  void aServerThatIsNotThereLeavesNoThreadInItsSelectorEither() {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    assertThatThrownBy(() -> GantryClient.connect("127.0.0.1:" + DevServer.freePort(), "default"))
        .isInstanceOf(ServerUnavailableException.class);
    assertThat(selecting(before)).as("threads left in a selector after a refused connection").isEmpty();
  }

  /** Whether {@code condition} holds within 3 s (a network thread is in its selector whenever it has nothing to do). */
  private static boolean eventually(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** Threads started since {@code before} that wait on the network, with the top of their stacks. */
  private static List<String> selecting(Set<Thread> before) {
    List<String> found = new ArrayList<>();
    for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
      if (before.contains(thread.getKey()) || !thread.getKey().isAlive()) {
        continue;
      }
      if (Arrays.stream(thread.getValue()).anyMatch(ClientNetworkThreadsTest::selects)) {
        found.add(thread.getKey().getName() + " " + Arrays.stream(thread.getValue()).limit(4)
            .map(String::valueOf).collect(Collectors.joining(" < ")));
      }
    }
    return found;
  }

  /**
   * A frame of a network wait: the JDK's selector (the CLI's Netty runs on NIO) or Netty's own epoll and kqueue
   * loops (what gRPC picks where their native library loads, as in this test's JVM).
   */
  private static boolean selects(StackTraceElement frame) {
    String type = frame.getClassName();
    return (type.startsWith("sun.nio.ch.") && type.endsWith("SelectorImpl"))
        || type.contains(".netty.channel.epoll.") || type.contains(".netty.channel.kqueue.");
  }
}
