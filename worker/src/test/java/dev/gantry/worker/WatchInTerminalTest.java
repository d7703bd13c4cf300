package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.support.Peers;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code gantry release watch} the way people run it: in a real terminal (a tmux pane of 80x24, the CLI in
 * its own JVM) and piped. The release passes dev and staging, waits for production's window, is let through
 * by an override, and waits for approvals. In the terminal the screen is redrawn in place: nothing reaches
 * the scrollback, the header is the first line, and the wait for approvers is on screen with what to run.
 * Piped, the same wait is printed once, as lines. The pane is kept in {@code worker/target/watch-80x24.txt}.
 */
@RealPeers
class WatchInTerminalTest {
  private static final String SOCKET = "gantry-watch-test-" + ProcessHandle.current().pid();
  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void watchRedrawsInPlaceAt80x24AndPipedItSaysWhoMustActAndWhatToRun() throws Exception {
    Peers.require(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
    Path spec = Examples.frozenCopy(dir.resolve("example"));
    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(),
            Examples.policy(dir.resolve("example")));
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      ReleaseRequest request = new ReleaseSpecLoader().load(spec);
      String id = gantry.startRelease(request);
      CompletableFuture<CliEndToEndTest.Run> piped = CompletableFuture.supplyAsync(() ->
          CliEndToEndTest.cli("release", "watch", id, "--address", temporal.address(), "--timeout", "PT60S"));
      // The CLI in its own JVM, in a tmux pane of 80x24 (a script: the class path is too long for tmux).
      Path launcher = dir.resolve("watch.sh");
      Files.writeString(launcher, "#!/bin/sh\nexport CLASSPATH='" + System.getProperty("java.class.path") + "'\n"
          + "'" + Path.of(System.getProperty("java.home"), "bin", "java") + "' -Xmx256m"
          + " dev.gantry.starter.cli.GantryCli release watch " + id + " --address " + temporal.address()
          + " --timeout PT90S\nsleep 60\n");
      tmux("new-session", "-d", "-s", "watch", "-x", "80", "-y", "24", "sh " + launcher);

      awaitStage(gantry, id, "window:production");
      gantry.override(id, new OverrideSignal("erin", "window", "watch test", "INC-WATCH-1", null, null));
      awaitStage(gantry, id, "approval:production");
      // The CLI's own JVM may start slowly on a busy machine: wait until its screen shows the gate, then let
      // it redraw a few more times.
      String screen = "";
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!screen.contains("WAITING for a person") && System.nanoTime() < deadline) {
        Thread.sleep(500);
        screen = tmux("capture-pane", "-p", "-t", "watch");
      }
      Thread.sleep(3_000);
      screen = tmux("capture-pane", "-p", "-t", "watch");
      int history = Integer.parseInt(tmux("display", "-p", "-t", "watch", "#{history_size}").strip());
      String scrollback = history == 0 ? "" : tmux("capture-pane", "-p", "-S", "-", "-E", "-1", "-t", "watch");
      Files.writeString(Path.of("target", "watch-80x24.txt"), screen);

      List<String> lines = screen.lines().toList();
      assertThat(lines.get(0)).as(screen).startsWith(id + "  AWAITING_APPROVAL (approval:production)");
      assertThat(lines).as(screen).hasSizeLessThanOrEqualTo(24)
          .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
      assertThat(screen).contains("WAITING for a person: approval of production",
          "run: gantry release approve " + id + " --as YOUR_NAME");
      assertThat(count(scrollback + "\n" + screen, id + "  ")).as("copies of the header, scrollback and screen:\n"
          + scrollback + "\n---\n" + screen).isEqualTo(1);

      CliEndToEndTest.Run watched = piped.get(90, TimeUnit.SECONDS);
      assertThat(watched.out()).as(watched.out()).doesNotContain("\u001b[")
          .contains("waiting for the deployment window")
          .contains("WAITING for a person: approval of production: 2 approval(s)")
          .contains("  run: gantry release approve " + id + " --as YOUR_NAME --environment production --digest "
              + request.artifact().digest() + " --comment LGTM");
      assertThat(count(watched.out(), "WAITING for a person: approval of production")).isEqualTo(1);
    } finally {
      try {
        tmux("kill-server");
      } catch (AssertionError | IOException alreadyGone) {
        // nothing to clean up
      }
    }
  }

  private static int count(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  private static String tmux(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", SOCKET));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new AssertionError("tmux " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }

  private static void awaitStage(GantryClient gantry, String id, String stage) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = gantry.status(id).stage();
      if (stage.equals(last)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("release never reached " + stage + "; last stage " + last);
  }
}
