package dev.gantry.activities.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.activities.local.Digests;
import dev.gantry.activities.local.HealthChecker;
import dev.gantry.activities.local.LocalTarget;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployRequest;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.deploy.HealthCheckRequest;
import dev.gantry.workflows.api.deploy.RollbackRequest;
import dev.gantry.workflows.api.temporal.Failures;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentActivitiesImplTest {

  @TempDir
  Path tmp;

  private final DeploymentActivitiesImpl activities = new DeploymentActivitiesImpl(
      List.of(new LocalTarget(new HealthChecker(), Clock.systemUTC())));

  @Test
  void anUnknownTargetTypeIsRefusedNonRetryablyNamingTheType() {
    DeployTarget ecs = new DeployTarget("ecs", "cluster/hello");

    ApplicationFailure deploy = catchThrowableOfType(ApplicationFailure.class, () -> activities.deploy(
        new DeployRequest("r", "hello", "1.0", ArtifactRef.file("/x", "sha256:00"), "dev", "us-east-1",
            ecs)));
    ApplicationFailure health = catchThrowableOfType(ApplicationFailure.class, () ->
        activities.checkHealth(new HealthCheckRequest("hello", "1.0", "dev", "us-east-1", ecs,
            new HealthCheck("true", null, null, null, null))));
    ApplicationFailure rollback = catchThrowableOfType(ApplicationFailure.class, () ->
        activities.rollback(new RollbackRequest("r", "hello", "1.0", "dev", "us-east-1", ecs, "test")));

    assertThat(List.of(deploy, health, rollback)).allSatisfy(failure -> {
      assertThat(failure.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
      assertThat(failure.isNonRetryable()).isTrue();
      assertThat(failure.getOriginalMessage()).contains("'ecs'").contains("local");
    });
  }

  @Test
  void aMissingTargetIsRefusedToo() {
    ApplicationFailure failure = catchThrowableOfType(ApplicationFailure.class, () -> activities.rollback(
        new RollbackRequest("r", "hello", "1.0", "dev", "us-east-1", null, "test")));

    assertThat(failure.getType()).isEqualTo(Failures.UNSUPPORTED_TARGET);
    assertThat(failure.isNonRetryable()).isTrue();
  }

  @Test
  void aLocalTargetIsRoutedToTheLocalAdapter() throws IOException {
    Path artifact = tmp.resolve("hello.txt");
    Files.writeString(artifact, "hello");
    DeployTarget local = new DeployTarget(DeployTarget.LOCAL, tmp.resolve("root").toString());

    activities.deploy(new DeployRequest("r", "hello", "1.0",
        ArtifactRef.file(artifact.toString(), Digests.sha256(artifact)), "dev", "us-east-1", local));

    assertThat(tmp.resolve("root/dev/us-east-1/current/hello.txt")).hasContent("hello");
  }
}
