package dev.gantry.worker;

import dev.gantry.activities.support.Peers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.Approval;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What an approver does: in the real Temporal Web UI (dev server), headless Chromium opens the waiting
 * release and sends signals through the UI's form — an emergency override of the production window, a
 * malformed approval someone typed, and two real approvals — and the release moves on to production.
 * Screenshots are kept in {@code worker/target/ui-screenshots}.
 */
class UiApprovalBrowserTest {
  private static final Path SCRIPT = Path.of("src", "test", "browser", "signal-in-ui.js");
  @TempDir Path dir;

  @Test
  void anApproverSendsSignalsFromTheTemporalUiAndTheReleaseMovesOn() throws Exception {
    Path tools = TemporalPeer.devServerBinary().getParent().getParent();
    Peers.require(Files.isDirectory(tools.resolve("node/node_modules/playwright-core")),
        "playwright-core not installed in " + tools + "/node: run scripts/test-tools.sh");
    Peers.require(Files.isExecutable(Path.of("/usr/bin/chromium")),
        "Debian's chromium is not installed: run scripts/test-tools.sh as root");
    Path spec = Examples.frozenCopy(dir.resolve("example"));
    Path shots = Files.createDirectories(Path.of("target", "ui-screenshots"));

    try (TemporalPeer temporal = TemporalPeer.startWithUi();
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(),
            Examples.policy(dir.resolve("example")));
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      ReleaseRequest request = new ReleaseSpecLoader().load(spec);
      String id = gantry.startRelease(request);
      awaitStage(gantry, id, "window:production");
      String digest = request.artifact().digest();

      run(List.of("node", SCRIPT.toString(), temporal.uiAddress(), id, shots.toAbsolutePath().toString(),
          "override", "{\"approver\": \"erin\", \"gate\": \"window\", \"justification\": \"sent from the"
              + " Temporal UI in a test\", \"incident\": \"INC-UI-1\"}"), tools);
      awaitStage(gantry, id, "approval:production");
      run(List.of("node", SCRIPT.toString(), temporal.uiAddress(), id, shots.toAbsolutePath().toString(),
          "approve", "\"LGTM\"",
          "approve", "{\"approver\": \"alice\", \"digest\": \"" + digest + "\", \"comment\": \"from the UI\"}",
          "approve", "{\"approver\": \"carol\", \"digest\": \"" + digest + "\", \"comment\": \"me too\"}"),
          tools);

      ReleaseStatus report = gantry.awaitCompletion(id, Duration.ofMinutes(2));
      assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);
      assertThat(report.overrides()).singleElement().satisfies(o -> {
        assertThat(o.approver()).isEqualTo("erin");
        assertThat(o.accepted()).isTrue();
      });
      assertThat(report.approvals()).extracting(Approval::approver, Approval::accepted)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(null, false),
              org.assertj.core.groups.Tuple.tuple("alice", true),
              org.assertj.core.groups.Tuple.tuple("carol", true));
      assertThat(report.approvals().get(0).reason()).contains("must be one JSON object").contains("got a string");
      assertThat(shots.resolve("after-signals.png")).exists();
    }
  }

  private static void run(List<String> command, Path tools) throws Exception {
    List<String> full = new ArrayList<>(command);
    ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true);
    builder.environment().put("GANTRY_TOOLS", tools.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the browser did not finish in 3 minutes:\n" + output);
    }
    assertThat(process.exitValue()).as("browser script output:\n" + output).isZero();
  }

  private static void awaitStage(GantryClient gantry, String id, String stage) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
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
