package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What `gantry region` refuses before it talks to Temporal (usage errors, exit 2). */
class RegionCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void failoverWithoutAReasonIsAUsageError() {
    assertThat(run("region", "failover", "hello-service", "production", "us-west-2")).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("--reason");
  }

  @Test
  void anEnvironmentWithoutConfigIsAUsageErrorAsJson() {
    int code = run("region", "failover", "hello-service", "moon", "us-west-2", "--reason", "test",
        "--spec", "../examples/aws/release.yaml", "--output", "json");

    assertThat(code).isEqualTo(GantryCli.USAGE);
    assertThat(out.toString()).contains("\"error\"", "environment 'moon' is not on hello-service's promotion path");
  }

  @Test
  void failbackNeedsANamedApprover() {
    assertThat(run("region", "failback", "hello-service", "production", "us-west-2")).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("--as");
  }
}
