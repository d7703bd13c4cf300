package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link GantryCli#main} builds only the commands its arguments name (start-up time): what a user sees must be
 * what the whole tree shows, for every command, help and mistakes included.
 */
class LazyCommandTreeTest {

  @Test
  void aNamedCommandBuildsThatCommandOnlyAndTheWholeTreeStaysWhole() {
    CommandLine status = GantryCli.newCommandLine("release", "status", "release/x/1");
    assertThat(status.getSubcommands().keySet()).containsExactly("release");
    assertThat(status.getSubcommands().get("release").getSubcommands().keySet()).containsExactly("status");

    assertThat(GantryCli.newCommandLine("keys", "--help").getSubcommands().keySet()).containsExactly("keys");
    assertThat(GantryCli.newCommandLine().getSubcommands()).hasSize(GantryCli.SUBCOMMANDS.size());
    assertThat(GantryCli.newCommandLine("help", "release").getSubcommands()).hasSize(GantryCli.SUBCOMMANDS.size());
    assertThat(GantryCli.newCommandLine("completion").getSubcommands()).hasSize(GantryCli.SUBCOMMANDS.size());
    assertThat(GantryCli.newCommandLine("--nonsense").getSubcommands()).hasSize(GantryCli.SUBCOMMANDS.size());
  }

  /** None of these reaches Temporal: help, usage errors and conversion errors only. */
  @Test
  void eachArgumentVectorAnswersAsTheWholeTreeDoes() {
    for (List<String> args : List.of(
        List.of("release", "status", "--help"),
        List.of("release", "status"),
        List.of("release", "--help"),
        List.of("release"),
        List.of("release", "bogus"),
        List.of("release", "approve", "--help"),
        List.of("release", "list", "--limit", "x"),
        List.of("canary", "--help"),
        List.of("keys", "list", "--help"),
        List.of("setup", "--help"),
        List.of("bogus"),
        List.of("--help"))) {
      String[] argv = args.toArray(new String[0]);
      Run lazy = run(GantryCli.newCommandLine(argv), argv);
      Run whole = run(GantryCli.newCommandLine(), argv);
      assertThat(lazy).as(String.join(" ", args)).isEqualTo(whole);
    }
  }

  record Run(int code, String out, String err) {}

  private static Run run(CommandLine cli, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), out.toString(), err.toString());
  }
}
