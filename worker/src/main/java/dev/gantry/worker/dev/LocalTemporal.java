package dev.gantry.worker.dev;

import dev.gantry.workflows.api.release.SearchAttributes;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local Temporal behind {@code ./gantry dev}: the real dev server (with the Web UI) where the test
 * tools installed it in {@code .tools/bin/temporal}, else Temporal's Java test server in this process.
 * Either listens on 127.0.0.1:7233 and stops with the worker.
 */
public final class LocalTemporal {
  public static final String HOST = "127.0.0.1";
  public static final int PORT = 7233;
  public static final int UI_PORT = 8233;

  private LocalTemporal() {}

  public static void start(List<String> args) {
    if (listening(PORT)) {
      System.out.println("gantry dev: something already listens on " + HOST + ":" + PORT
          + "; using it as the Temporal service");
      return;
    }
    Path tools = Path.of(System.getenv().getOrDefault("GANTRY_TOOLS", ".tools"));
    Path temporal = tools.resolve("bin/temporal");
    if (Files.isExecutable(temporal)) {
      startDevServer(temporal);
    } else {
      // true locks time skipping: a local release waits in real time, like a real one.
      TestServer.createPortBoundServer(PORT, true);
      System.out.println("gantry dev: Temporal's Java test server listens on " + HOST + ":" + PORT
          + " (in memory, no Web UI; run ./scripts/test-tools.sh to get the real dev server and UI)");
    }
  }

  private static void startDevServer(Path temporal) {
    Path state = Path.of(".gantry/dev");
    List<String> command = new ArrayList<>(List.of(temporal.toString(), "server", "start-dev",
        "--ip", HOST, "--port", String.valueOf(PORT), "--ui-port", String.valueOf(UI_PORT),
        "--db-filename", state.resolve("temporal.db").toString(), "--namespace", "default",
        "--log-level", "warn"));
    for (var key : SearchAttributes.ALL) {
      command.add("--search-attribute");
      command.add(key.getName() + "=Keyword");
    }
    try {
      Files.createDirectories(state);
      Process server = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(state.resolve("temporal.log").toFile())
          .start();
      Runtime.getRuntime().addShutdownHook(new Thread(server::destroy, "stop-temporal-dev-server"));
      for (int i = 0; i < 300 && !listening(PORT); i++) {
        if (!server.isAlive()) {
          throw new IllegalStateException("the Temporal dev server exited with " + server.exitValue()
              + "; see " + state.resolve("temporal.log"));
        }
        Thread.sleep(100);
      }
      if (!listening(PORT)) {
        throw new IllegalStateException("the Temporal dev server did not listen on " + PORT
            + " within 30 s; see " + state.resolve("temporal.log"));
      }
      System.out.println("gantry dev: Temporal dev server on " + HOST + ":" + PORT + ", Web UI http://"
          + HOST + ":" + UI_PORT + " (state in " + state + ", log in " + state.resolve("temporal.log") + ")");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + temporal + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the Temporal dev server", e);
    }
  }

  static boolean listening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
