package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.window.DeploymentWindowActivitiesImpl;
import dev.gantry.starter.spec.PolicyDirectory;
import dev.gantry.workflows.api.window.WindowCheckRequest;
import dev.gantry.workflows.api.window.WindowDecision;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code gantry window next|explain} on the example policy: the release's own window check, asked ahead. */
class WindowCommandTest {
  private static final Path POLICY = Path.of("..", "examples", "policy").toAbsolutePath().normalize();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void inTheYearEndFreezeItSaysClosedWhyAndTheNextOpeningAsTheWorkerWould() throws Exception {
    assertThat(run("window", "next", "--environment", "production", "--policy", POLICY.toString(),
        "--at", "2026-12-23T10:00:00Z")).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("production: closed at 2026-12-23T10:00:00Z")
        .contains("year-end freeze").contains("next opening: ");

    // the same answer the release's window gate gets from the worker's activity
    var env = new PolicyDirectory().loadForReading(POLICY).applications().values().iterator().next()
        .environments().get("production");
    WindowDecision worker = new DeploymentWindowActivitiesImpl().evaluate(new WindowCheckRequest("production",
        env.window(), Instant.parse("2026-12-23T10:00:00Z").toEpochMilli(), null));
    assertThat(out.toString()).contains(worker.reason()).contains(worker.nextOpenDescription());

    out.getBuffer().setLength(0);
    assertThat(run("window", "next", "--environment", "production", "--policy", POLICY.toString(),
        "--at", "2026-12-23T11:00", "-o", "json")).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("open").asBoolean()).isFalse();
    assertThat(json.get("at").asText()).as("a local time is read in the window's zone").isEqualTo("2026-12-23T10:00:00Z");
    assertThat(json.get("nextOpen").asText()).isEqualTo(Instant.ofEpochMilli(worker.nextOpenEpochMillis()).toString());
  }

  @Test
  void onAWednesdayMorningItIsOpenAndExplainShowsTheRules() {
    assertThat(run("window", "explain", "--environment", "production", "--policy", POLICY.toString(),
        "--at", "2026-03-04T09:00:00Z")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("production deployment window (Europe/Berlin)")
        .contains("allowed:           MON-FRI 07:00-19:00").contains("recurring freezes: FRI 15:00-24:00")
        .contains("year-end freeze").contains(": OPEN").contains("next opening: now");
  }

  @Test
  void mistakesAreUsageErrorsInOneLine() {
    assertThat(run("window", "next", "--environment", "moon", "--policy", POLICY.toString())).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("error: no application in the policy").doesNotContain("\n");
    err.getBuffer().setLength(0);
    assertThat(run("window", "next", "--environment", "production", "--policy", POLICY.toString(), "--at", "soon"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--at 'soon' is not a time");
  }
}
