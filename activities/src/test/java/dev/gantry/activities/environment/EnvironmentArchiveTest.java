package dev.gantry.activities.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.Failures;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit trail of a retired environment is archived under the archive folder, and nowhere else. */
class EnvironmentArchiveTest {
  @TempDir Path tmp;

  @Test
  void anApplicationOrEnvironmentThatIsNotANameCannotPlaceTheArchiveElsewhere() {
    Path archiveDir = tmp.resolve("archive");
    DeployTarget target = new DeployTarget(DeployTarget.LOCAL, tmp.resolve("targets").toString());
    EnvironmentActivitiesImpl activities = new EnvironmentActivitiesImpl(
        List.of(new LocalEnvironments(new SecretReferences(Map.<String, String>of()::get, null))),
        tmp.resolve("audit.jsonl"), archiveDir);

    ApplicationFailure application = catchThrowableOfType(ApplicationFailure.class, () -> activities.archive(
        new ArchiveRequest("../../escaped", "preview-1", target, "us-east-1", "w")));
    ApplicationFailure environment = catchThrowableOfType(ApplicationFailure.class, () -> activities.archive(
        new ArchiveRequest("hello-service", "../x", target, "us-east-1", "w")));

    assertThat(application.getOriginalMessage()).startsWith("application '../../escaped' is refused");
    assertThat(environment.getOriginalMessage()).startsWith("environment '../x' is refused");
    assertThat(List.of(application, environment)).allSatisfy(failure -> {
      assertThat(failure.getType()).isEqualTo(Failures.INVALID_REQUEST);
      assertThat(failure.isNonRetryable()).isTrue();
    });
    assertThat(tmp.resolve("escaped")).doesNotExist();
    assertThat(Files.exists(archiveDir)).isFalse();
  }

  @Test
  void aRetiredEnvironmentIsArchivedUnderItsApplication() {
    Path archiveDir = tmp.resolve("archive");
    DeployTarget target = new DeployTarget(DeployTarget.LOCAL, tmp.resolve("targets").toString());
    EnvironmentActivitiesImpl activities = new EnvironmentActivitiesImpl(
        List.of(new LocalEnvironments(new SecretReferences(Map.<String, String>of()::get, null))),
        tmp.resolve("audit.jsonl"), archiveDir);

    String archive = activities.archive(new ArchiveRequest("hello-service", "preview-1", target, "us-east-1", "w"));

    assertThat(Path.of(archive)).isEqualTo(archiveDir.resolve("hello-service/preview-1-manual"));
    assertThat(Path.of(archive).resolve("audit.jsonl")).exists();
  }
}
