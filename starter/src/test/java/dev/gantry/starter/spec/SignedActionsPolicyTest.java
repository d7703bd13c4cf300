package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.release.EnvironmentPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's {@code signedActions: true} in policy.yaml makes every environment's approval signed and
 * changes nothing else of the environment: a positional copy of the plan used to drop {@code concurrency}.
 */
class SignedActionsPolicyTest {
  @TempDir Path dir;

  @Test
  void signedActionsKeepEverySectionOfTheEnvironment() throws IOException {
    write("policy.yaml", """
        roots:
          artifacts: [../artifacts]
          targets: [../targets]
        approvers: approvers.yaml
        applications:
          shop:
            promotion: [production]
            signedActions: true
        """);
    Files.createDirectories(dir.resolve("artifacts"));
    write("approvers.yaml", "people:\n  alice: {groups: [release-managers]}\n");
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}, {name: eu-west-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "true"}
        verification: {required: false}
        approval: {required: true, approvers: [alice], minApprovals: 1}
        maxParallelRegions: 1
        concurrency: refuse
        """);

    EnvironmentPlan production = new PolicyDirectory().load(dir.resolve("policy"))
        .applications().get("shop").environments().get("production");

    assertThat(production.approval().signsEverything()).isTrue();
    assertThat(production.concurrency()).isEqualTo("refuse");
    assertThat(production.maxParallelRegions()).isEqualTo(1);
    assertThat(production.approval().approversOrEmpty()).containsExactly("alice");
  }

  private void write(String relative, String text) throws IOException {
    Path file = dir.resolve("policy").resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
