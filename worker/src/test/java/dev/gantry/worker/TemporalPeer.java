package dev.gantry.worker;

import dev.gantry.activities.support.Peers;
import dev.gantry.workflows.api.release.SearchAttributes;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Temporal service on a loopback port for end-to-end tests: the Temporal dev server installed by
 * {@code scripts/test-tools.sh}, or Temporal's standalone Java test server. A test that asks for the dev
 * server where it is not installed is skipped (and says why), never passed; where peers are required
 * ({@code CI} or {@code GANTRY_REQUIRE_PEERS=1}) it fails ({@link Peers}).
 */
final class TemporalPeer implements AutoCloseable {
  enum Kind { JAVA_TEST_SERVER, DEV_SERVER }

  private final Kind kind;
  private final int port;
  private int uiPort;
  private final AutoCloseable handle;

  private TemporalPeer(Kind kind, int port, AutoCloseable handle) {
    this.kind = kind;
    this.port = port;
    this.handle = handle;
  }

  static TemporalPeer start(Kind kind) {
    return start(kind, false);
  }

  /** The dev server with its Web UI (on {@link #uiAddress()}). */
  static TemporalPeer startWithUi() {
    return start(Kind.DEV_SERVER, true);
  }

  private static TemporalPeer start(Kind kind, boolean withUi) {
    int port = freePort();
    int uiPort = withUi ? freePort() : 0;
    if (kind == Kind.JAVA_TEST_SERVER) {
      TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, true); // real time, no skipping
      return new TemporalPeer(kind, port, server::close);
    }
    Path temporal = devServerBinary();
    Peers.require(Files.isExecutable(temporal),
        "Temporal dev server not installed at " + temporal + ": run scripts/test-tools.sh");
    List<String> command = new ArrayList<>(List.of(temporal.toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", String.valueOf(port),
        "--http-port", String.valueOf(freePort()), "--metrics-port", String.valueOf(freePort()),
        "--namespace", "default", "--log-level", "error"));
    if (withUi) {
      command.addAll(List.of("--ui-port", String.valueOf(uiPort)));
    } else {
      command.add("--headless");
    }
    for (var key : SearchAttributes.ALL) {
      command.add("--search-attribute");
      command.add(key.getName() + "=Keyword");
    }
    try {
      Path log = Files.createTempFile("temporal-dev-", ".log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!listening(port) || (withUi && !listening(uiPort))) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IllegalStateException("Temporal dev server did not start: " + Files.readString(log));
        }
        Thread.sleep(100);
      }
      TemporalPeer peer = new TemporalPeer(kind, port, () -> {
        process.destroy();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      });
      peer.uiPort = uiPort;
      return peer;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Where scripts/test-tools.sh installs the real peers. */
  static Path tools() {
    String tools = System.getenv("GANTRY_TOOLS");
    return tools != null ? Path.of(tools) : Path.of("..", ".tools");
  }

  static Path devServerBinary() {
    Path base = tools();
    return base.resolve("bin/temporal").toAbsolutePath().normalize();
  }

  String uiAddress() {
    return "http://127.0.0.1:" + uiPort;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  Kind kind() {
    return kind;
  }

  /**
   * Stops the peer. An interrupt while waiting for the dev server to exit is kept (the thread stays interrupted)
   * and reported, not thrown as an InterruptedException that try-with-resources could add as suppressed and lose.
   */
  @Override
  public void close() {
    try {
      handle.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while stopping the Temporal " + kind, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the Temporal " + kind + ": " + e.getMessage(), e);
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

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
