package dev.gantry.starter.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.release.SearchAttributes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Temporal dev server ({@code .tools/bin/temporal server start-dev}, installed by scripts/test-tools.sh) in
 * a process of its own on free loopback ports, with Gantry's search attributes, for the starter's tests. A missing
 * server skips the test on a laptop and fails it where peers are required (the activities' {@code Peers.require}
 * rule; this module does not see that test-jar).
 */
public final class DevServer implements AutoCloseable {
  private final Process process;
  private final String address;

  private DevServer(Process process, String address) {
    this.process = process;
    this.address = address;
  }

  /** Started and listening; its log goes to {@code scratch/temporal.log}. */
  public static DevServer start(Path scratch) throws IOException, InterruptedException {
    Path temporal = Path.of("..", ".tools", "bin", "temporal").toAbsolutePath().normalize();
    if (System.getenv("GANTRY_TOOLS") != null) {
      temporal = Path.of(System.getenv("GANTRY_TOOLS"), "bin", "temporal");
    }
    requirePeer(Files.isExecutable(temporal),
        "Temporal dev server not installed at " + temporal + ": run scripts/test-tools.sh");
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(temporal.toString(), "server", "start-dev", "--ip", "127.0.0.1",
        "--port", String.valueOf(port), "--http-port", String.valueOf(freePort()), "--metrics-port",
        String.valueOf(freePort()), "--namespace", "default", "--log-level", "error", "--headless"));
    for (var key : SearchAttributes.ALL) {
      command.add("--search-attribute");
      command.add(key.getName() + "=Keyword");
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(scratch.resolve("temporal.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!listening(port)) {
      assertThat(process.isAlive() && System.nanoTime() < deadline).as("dev server starts").isTrue();
      Thread.sleep(100);
    }
    return new DevServer(process, "127.0.0.1:" + port);
  }

  /** {@code 127.0.0.1:<port>}. */
  public String address() {
    return address;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A missing peer skips on a laptop and fails where {@code GANTRY_REQUIRE_PEERS} or {@code CI} is set. */
  public static void requirePeer(boolean present, String why) {
    if (present) {
      return;
    }
    for (String variable : List.of("GANTRY_REQUIRE_PEERS", "CI")) {
      String value = System.getenv(variable);
      if (value != null && !value.isBlank() && !value.equalsIgnoreCase("false") && !value.equals("0")) {
        throw new AssertionError(why + " (" + variable + " is set: a missing test peer fails the test instead of"
            + " skipping it)");
      }
    }
    Assumptions.abort(why);
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
