package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What `gantry flags` and `gantry experiment` refuse before they talk to Temporal (usage errors, exit 2). */
class FlagsCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  @TempDir Path dir;

  int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  private Path spec(String flags) throws Exception {
    Files.writeString(dir.resolve("release.yaml"), """
        application: shop
        version: 1.0.0
        requestedBy: dana
        artifact: {file: release.yaml}
        policy: .
        """);
    Files.writeString(dir.resolve("policy.yaml"), """
        roots: {targets: [.]}
        applications:
          shop: {promotion: [production]}
        """);
    Path env = Files.createDirectories(dir.resolve("environments/production"));
    Files.writeString(env.resolve("config.yaml"), """
        regions: [{name: us-east-1}]
        target: {type: local, root: targets}
        healthCheck: {command: "true"}
        verification: {required: false}
        """ + flags);
    return dir.resolve("release.yaml");
  }

  @Test
  void abortWithoutAReasonIsAUsageError() {
    assertThat(run("flags", "abort", "shop", "production", "new-checkout")).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("--reason");
  }

  @Test
  void aRampInAnEnvironmentWithoutFlagsSaysWhatToAdd() throws Exception {
    int code = run("flags", "ramp", "shop", "production", "new-checkout", "--spec", spec("").toString(),
        "--output", "json");
    assertThat(code).isEqualTo(GantryCli.USAGE);
    assertThat(out.toString()).contains("\"error\"").contains("production has no `flags:` section");
  }

  @Test
  void aRampWithoutConfiguredAnalysisNeedsMetricAndMaxRate() throws Exception {
    Path spec = spec("""
        flags:
          split: {workspaceId: ws, environment: Production, adminApiKeyEnv: SPLIT_ADMIN_API_KEY}
          required: [new-checkout]
        """);
    assertThat(run("flags", "ramp", "shop", "production", "other-flag", "--spec", spec.toString()))
        .isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("give --metric and --max-rate");
  }

  @Test
  void decideNeedsExactlyOneActionAndAName() {
    assertThat(run("experiment", "decide", "shop", "checkout-button", "production", "--as", "erin"))
        .isEqualTo(GantryCli.USAGE);
    assertThat(run("experiment", "decide", "shop", "checkout-button", "production", "--keep", "--rollback",
        "--as", "erin")).isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("mutually exclusive");
  }

  @Test
  void anUnknownExperimentIsNamed() throws Exception {
    Path spec = spec("""
        flags:
          split: {workspaceId: ws, environment: Production, adminApiKeyEnv: SPLIT_ADMIN_API_KEY}
          metricsUrl: http://metrics/flags
          experiments:
            - {name: checkout-button, flag: cb, split: {on: 50, off: 50}, metric: purchases, minSamplePerTreatment: 100}
        """);
    assertThat(run("experiment", "start", "shop", "banner", "production", "--spec", spec.toString()))
        .isEqualTo(GantryCli.USAGE);
    assertThat(err.toString()).contains("no experiment 'banner'").contains("checkout-button");
  }
}
