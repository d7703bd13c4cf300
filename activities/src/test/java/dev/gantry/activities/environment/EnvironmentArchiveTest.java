package dev.gantry.activities.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.environment.ArchiveRequest;
import dev.gantry.workflows.api.temporal.Failures;
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

  @Test
  void anArchivedTrailVerifiesAsArchivedWithItsCheckpointAndAnEditOrACutInItIsFound() throws Exception {
    var workerKey = new dev.gantry.activities.signing.LocalKeySigner(dev.gantry.activities.signing.KeyFiles.generate());
    Path trail = tmp.resolve("audit/audit.jsonl");
    var log = new dev.gantry.activities.audit.JsonlAuditLog(trail, tmp.resolve("reviews"),
        new dev.gantry.activities.audit.AuditCheckpoints(tmp.resolve("audit/checkpoints.jws"), workerKey, 3,
            java.time.Clock.systemUTC()));
    for (int i = 1; i <= 9; i++) {
      String env = i % 3 == 0 ? "production" : "preview-1";
      log.append(new dev.gantry.workflows.api.audit.AuditEvent("release/hello-service/1." + i + "/run/1",
          "release/hello-service/1." + i, "run", "approval", "alice", env, "accepted", "ok " + i, "sha256:abc",
          "2026-12-05T02:00:0" + i + "Z"));
    }
    DeployTarget target = new DeployTarget(DeployTarget.LOCAL, tmp.resolve("targets").toString());
    EnvironmentActivitiesImpl activities = new EnvironmentActivitiesImpl(
        List.of(new LocalEnvironments(new SecretReferences(Map.<String, String>of()::get, null))),
        trail, tmp.resolve("archive"), workerKey);

    Path archive = Path.of(activities.archive(new ArchiveRequest("hello-service", "preview-1", target, "us-east-1",
        "w")));
    Path archived = archive.resolve("audit.jsonl");
    assertThat(Files.readAllLines(archived)).hasSize(6);
    assertThat(dev.gantry.activities.audit.HashChainedLog.verify(archived)).isEmpty();
    var options = dev.gantry.activities.audit.TrailVerifier.Options.anchored(List.of(workerKey.publicKey()));

    var report = dev.gantry.activities.audit.TrailVerifier.verify(archived, options);

    assertThat(report.intact()).as(report.problems().toString()).isTrue();
    assertThat(report.archived()).isTrue();
    assertThat(report.archivedFrom().file()).isEqualTo("audit.jsonl");
    assertThat(report.archivedFrom().sequence()).isEqualTo(9);
    assertThat(report.lastAnchored()).isEqualTo(6);
    assertThat(dev.gantry.activities.audit.TrailVerifier.verify(trail, options).intact())
        .as("the source trail is untouched").isTrue();

    List<String> lines = Files.readAllLines(archived);
    Files.write(archived, List.of(lines.get(0).replace("\"alice\"", "\"mallory\""), lines.get(1)));
    var tampered = dev.gantry.activities.audit.TrailVerifier.verify(archived, options);
    assertThat(tampered.intact()).isFalse();
    assertThat(tampered.problems().toString()).contains("line 1: content does not match its hash (edited)")
        .contains("content does not match the hash it had in the trail it was archived from")
        .contains("lines 3 to 6 are missing");
  }
}
