package dev.gantry.worker;

import dev.gantry.activities.support.Peers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.spec.ReleaseSpecLoader;
import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * release and sends signals through the UI's form (an emergency override of the production window, a
 * malformed approval someone typed), reads the approver's instructions in the Current Details, copies the
 * update input from the page's text and sends it as the {@code submitApproval} update (refused for a
 * stranger, accepted for alice, each verdict shown by the UI), sees the details follow the approvals, and a
 * second approver pastes the CLI command copied from the page: the release moves on to production.
 * Screenshots are kept in {@code worker/target/ui-screenshots}.
 */
@RealPeers
class UiApprovalBrowserTest {
  private static final Path SCRIPT = Path.of("src", "test", "browser", "signal-in-ui.js");
  private static final Path APPROVER_SCRIPT = Path.of("src", "test", "browser", "approve-in-ui.js");
  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
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
      // Someone types a bare string as a signal: refused and recorded; the UI can only say it was signalled.
      run(List.of("node", SCRIPT.toString(), temporal.uiAddress(), id, shots.toAbsolutePath().toString(),
          "approve", "\"LGTM\""), tools);

      // The approver's view: the Current Details say what waits, for whom, who approved so far, and what to
      // send; the input is copied from the page's text and sent as the submitApproval update, whose verdict
      // the UI shows: first by someone the directory does not know (refused), then by alice (accepted).
      String payload = "{\n  \"approver\": \"YOUR_NAME\",\n  \"environment\": \"production\",\n"
          + "  \"comment\": \"LGTM\",\n  \"digest\": \"" + digest + "\"\n}";
      String command = "gantry release approve " + id + " \\\n  --as YOUR_NAME --environment production"
          + " --comment LGTM \\\n  --digest " + digest;
      String output = run(List.of("node", APPROVER_SCRIPT.toString(), temporal.uiAddress(), id,
          shots.toAbsolutePath().toString(), "submitApproval", "mallory", "alice"), tools);
      JsonNode seen = new ObjectMapper().readTree(output.substring(output.lastIndexOf("\n{") + 1));
      String details = seen.get("details").asText();
      List<String> blocks = new ArrayList<>();
      seen.get("blocks").forEach(block -> blocks.add(block.asText().strip()));
      assertThat(details).contains("hello-service 1.4.0 waits for approval in production",
          "Needs 2 approval(s) from members of release-managers, members of senior-engineers, not from dana",
          "Approved so far: 0 of 2", "Open until", "Send an Update", "submitApproval");
      assertThat(blocks).as("what the page shows in code blocks is what the release expects, verbatim")
          .contains(payload, command, digest);
      assertThat(String.join("\n", blocks)).doesNotContain("\u201c", "\u201d", "\u2018", "\u2019");
      assertThat(details).doesNotContain("\u201c", "\u201d");
      assertThat(seen.get("cut")).as("code lines wider than the UI's frame").isEmpty();
      assertThat(seen.get("below")).as("code blocks below the bottom of the UI's frame").isEmpty();
      assertThat(seen.get("verdicts").get(0).asText()).contains("unknown approver 'mallory' for production");
      assertThat(seen.get("refusalShown").asText()).as("the refusal in the UI, without a stack trace")
          .contains("unknown approver 'mallory'").doesNotContain("ReleaseWorkflowImpl", "java.base");
      assertThat(seen.get("verdicts").get(1).asText()).isEqualTo("Update successful");
      assertThat(seen.get("after").asText()).contains("Approved so far: 1 of 2 (alice)", "Still needed: 1 more");

      // carol pastes the command from the page into a terminal.
      String copied = blocks.stream().filter(block -> block.startsWith("gantry release approve")).findFirst()
          .orElseThrow();
      String[] pasted = (copied.replace("YOUR_NAME", "carol").replace(" \\\n  ", " ")
          .substring("gantry ".length()) + " --address " + temporal.address()).split(" ");
      CliEndToEndTest.Run carol = CliEndToEndTest.cli(pasted);
      assertThat(carol.exitCode()).as(carol.out() + carol.err()).isZero();
      assertThat(carol.out()).contains("approval by carol of " + digest + " accepted for production (2 of 2");

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

  private static String run(List<String> command, Path tools) throws Exception {
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
    return output.strip();
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
