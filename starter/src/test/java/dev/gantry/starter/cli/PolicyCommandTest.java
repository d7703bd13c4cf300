package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `gantry policy check`: the worker's reading of a policy, before a merge. */
class PolicyCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  @TempDir Path dir;

  int run(String... args) {
    CommandLine cli = GantryCli.newCommandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void aUsablePolicyIsSummarisedWithItsDigest() throws Exception {
    Files.createDirectories(dir.resolve("environments/prod"));
    Files.writeString(dir.resolve("policy.yaml"), "roots: {targets: [t]}\napplications:\n  shop: {promotion: [prod]}\n");
    Files.writeString(dir.resolve("environments/prod/config.yaml"), """
        regions: [{name: us-east-1}]
        target: {type: local, root: t/shop}
        healthCheck: {command: "true"}
        approval: {required: true, approvers: [alice, bob], minApprovals: 2, signedApprovals: false}
        verification: {required: false}
        """);
    assertThat(run("policy", "check", dir.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("usable, sha256:").contains("shop: prod")
        .contains("prod: local target, 2 approval(s) from alice, bob, SIGNATURES NOT VERIFIED");
  }

  @Test
  void aBrokenPolicyIsAUsageErrorNamingFileAndField() throws Exception {
    Files.writeString(dir.resolve("policy.yaml"), "applications:\n  shop: {promotion: [prod]}\n");
    assertThat(run("policy", "check", dir.toString(), "-o", "json")).isEqualTo(GantryCli.USAGE);
    assertThat(out.toString()).contains("the platform policy has 1 problem(s)")
        .contains("environment 'prod' has no config: create environments/prod/config.yaml");
  }
}
