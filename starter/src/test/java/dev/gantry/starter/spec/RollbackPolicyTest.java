package dev.gantry.starter.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.api.rollback.RollbackPlanRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code Policy.resolveRollback}: a rollback's environment comes from the worker's policy, as a release's plan does. */
class RollbackPolicyTest {
  @TempDir Path dir;
  private Path policyDir;

  @BeforeEach
  void writePolicy() throws IOException {
    policyDir = dir.resolve("policy");
    write("policy.yaml", """
        roots:
          artifacts: [../artifacts]
          targets: [../targets]
        approvers: approvers.yaml
        applications:
          shop:
            owners: [dana]
            promotion: [staging, production]
        """);
    write("approvers.yaml", "people:\n  alice: {groups: [release-managers]}\n");
    write("environments/staging/config.yaml", """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "true"}
        verification: {required: false}
        """);
    write("environments/production/config.yaml", """
        regions: [{name: us-east-1, primary: true}, {name: eu-west-1}]
        target: {type: local, root: ../targets/shop}
        healthCheck: {command: "true"}
        approval: {required: true, groups: [release-managers], minApprovals: 1, signedApprovals: false}
        verification: {required: false}
        """);
    Files.createDirectories(dir.resolve("artifacts"));
    Files.createDirectories(dir.resolve("targets"));
  }

  @Test
  void theEnvironmentAsPolicyDefinesItWithTheDirectoryAndTheStamp() {
    RollbackPlan plan = new PolicyActivitiesImpl(policyDir).resolveRollback(
        new RollbackPlanRequest("release/shop/1.0.0", "shop", "1.0.0", "production", "alice"));
    assertThat(plan.environment().name()).isEqualTo("production");
    assertThat(plan.environment().regions()).containsExactly("us-east-1", "eu-west-1");
    assertThat(plan.environment().approval().groupsOrEmpty()).containsExactly("release-managers");
    assertThat(plan.approversDirectory()).isEqualTo(policyDir.resolve("approvers.yaml").toString());
    assertThat(plan.policy().digest()).startsWith("sha256:");
  }

  @Test
  void anApplicationOrEnvironmentPolicyDoesNotKnowIsRefused() {
    PolicyActivitiesImpl policy = new PolicyActivitiesImpl(policyDir);
    for (RollbackPlanRequest request : List.of(
        new RollbackPlanRequest("release/other/1.0.0", "other", "1.0.0", "production", "alice"),
        new RollbackPlanRequest("release/shop/1.0.0", "shop", "1.0.0", "qa", "alice"),
        new RollbackPlanRequest("release/shop/1.0.0", "shop", "1.0.0", "../production", "alice"))) {
      assertThatThrownBy(() -> policy.resolveRollback(request)).isInstanceOf(ApplicationFailure.class)
          .satisfies(e -> assertThat(((ApplicationFailure) e).getType()).isEqualTo(Failures.POLICY_REFUSED));
    }
  }

  private void write(String relative, String text) throws IOException {
    Path file = policyDir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
