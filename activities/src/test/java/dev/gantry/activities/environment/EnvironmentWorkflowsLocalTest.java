package dev.gantry.activities.environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.environment.DecommissionRequest;
import dev.gantry.workflows.api.environment.DecommissionResult;
import dev.gantry.workflows.api.environment.DriftItem;
import dev.gantry.workflows.api.environment.DriftReport;
import dev.gantry.workflows.api.environment.DriftRequest;
import dev.gantry.workflows.api.environment.ProvisionRequest;
import dev.gantry.workflows.api.environment.ProvisionResult;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.environment.DriftDetectionWorkflow;
import dev.gantry.workflows.environment.EnvironmentDecommissionWorkflow;
import dev.gantry.workflows.environment.EnvironmentProvisionWorkflow;
import dev.gantry.workflows.release.FailureReasons;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvironmentWorkflowsLocalTest {
  @TempDir Path dir;
  LocalEnvironmentWorld world;
  EnvironmentPlan staging;
  EnvironmentPlan production;
  ArtifactRef v14;

  @BeforeEach
  void setUp() throws Exception {
    world = new LocalEnvironmentWorld(dir);
    staging = world.plan("staging", null);
    production = world.plan("production", LocalEnvironmentWorld.managed());
    v14 = world.artifact(dir, "1.4.0", "echo 1.4.0");
    assertThat(world.release(world.releaseTo(v14, "1.4.0", staging)).state()).isEqualTo(ReleaseState.SUCCEEDED);
  }

  @AfterEach
  void tearDown() {
    world.close();
  }

  @Test
  void promotionFromAHealthySourceRunningTheSameDigestDeploysAndAppliesTheConfig() throws Exception {
    var status = world.release(world.promotion(v14, "1.4.0", staging, production));

    assertThat(status.state()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(Files.readSymbolicLink(world.root.resolve("production/eu-west-1/current")).toString())
        .isEqualTo("releases/1.4.0");
    assertThat(Files.readString(world.root.resolve("production/config.json"))).contains("\"LOG_LEVEL\" : \"info\"");
    assertThat(Files.readString(world.root.resolve("production/config.secrets.json"))).contains("s3cret");
    // The history holds the reference, never the value.
    String history = world.env.getWorkflowClient().fetchHistory(
        "promotion/hello-service/1.4.0/production").getHistory().toString(); // payloads as text
    assertThat(history).contains("env:DB_PASSWORD").doesNotContain("s3cret").contains("promotion-source-check");
  }

  @Test
  void promotionFromAnUnhealthySourceIsRefused() throws Exception {
    Files.writeString(world.root.resolve("staging/eu-west-1/sick"), "disk full");

    Throwable refused = catchThrowable(() -> world.release(world.promotion(v14, "1.4.0", staging, production)));

    assertThat(FailureReasons.of(refused)).contains("refused").contains("staging/eu-west-1 is unhealthy");
    assertThat(world.root.resolve("production/us-east-1/current")).doesNotExist();
  }

  @Test
  void promotionOfTheSameVersionWithOtherBytesIsRefusedNamingBothDigests() throws Exception {
    ArtifactRef rebuilt = world.artifact(dir, "1.4.0", "echo 1.4.0 rebuilt");

    Throwable refused = catchThrowable(() -> world.release(world.promotion(rebuilt, "1.4.0", staging, production)));

    assertThat(FailureReasons.of(refused)).contains("staging/us-east-1 runs 1.4.0 with digest " + v14.digest())
        .contains("deploys 1.4.0 with digest " + rebuilt.digest());
    assertThat(world.root.resolve("production/us-east-1/current")).doesNotExist();
  }

  @Test
  void promotionOfAnotherVersionIsRefusedNamingBothVersions() throws Exception {
    ArtifactRef v15 = world.artifact(dir, "1.5.0", "echo 1.5.0");

    Throwable refused = catchThrowable(() -> world.release(world.promotion(v15, "1.5.0", staging, production)));

    assertThat(FailureReasons.of(refused)).contains("staging/us-east-1 runs 1.4.0 (" + v14.digest() + "), not 1.5.0 ("
        + v15.digest() + ")");
  }

  @Test
  void aCleanEnvironmentHasNoDrift() {
    world.release(world.promotion(v14, "1.4.0", staging, production));

    DriftReport report = drift(production);

    assertThat(report.differences()).isEmpty();
    assertThat(report.declaredVersion()).isEqualTo("1.4.0");
  }

  @Test
  void driftIsFoundForAChangedParameterAChangedVersionAndARemovedRegion() throws Exception {
    world.release(world.promotion(v14, "1.4.0", staging, production));
    Path config = world.root.resolve("production/config.json");
    Files.writeString(config, Files.readString(config).replace("\"info\"", "\"debug\""));
    Path useast = world.root.resolve("production/us-east-1");
    Files.createDirectories(useast.resolve("releases/1.3.9"));
    Files.writeString(useast.resolve("releases/1.3.9/hello-service.sh"), "echo old");
    Files.delete(useast.resolve("current"));
    Files.createSymbolicLink(useast.resolve("current"), Path.of("releases/1.3.9"));
    deleteTree(world.root.resolve("production/eu-west-1"));

    DriftReport report = drift(production);

    assertThat(report.differences()).extracting(DriftItem::kind, DriftItem::region, DriftItem::key,
            DriftItem::expected)
        .contains(
            org.assertj.core.groups.Tuple.tuple("parameter", null, "LOG_LEVEL", "info"),
            org.assertj.core.groups.Tuple.tuple("version", "us-east-1", "version", "1.4.0 (" + v14.digest() + ")"),
            org.assertj.core.groups.Tuple.tuple("region", "eu-west-1", "eu-west-1", "1.4.0 (" + v14.digest() + ")"));
    assertThat(report.differences()).hasSize(3);
    assertThat(report.differences().get(0).actual()).startsWith("1.3.9 (sha256:");
  }

  @Test
  void aSecretChangedBehindGantrysBackIsDriftWithoutItsValue() throws Exception {
    world.release(world.promotion(v14, "1.4.0", staging, production));
    Files.writeString(world.root.resolve("production/config.secrets.json"), "{\"DB_PASSWORD\":\"hunter2\"}");

    DriftReport report = drift(production);

    assertThat(report.differences()).singleElement().satisfies(item -> {
      assertThat(item.kind()).isEqualTo("secret");
      assertThat(item.expected()).isEqualTo("the value of env:DB_PASSWORD");
      assertThat(item.toString()).doesNotContain("hunter2").doesNotContain("s3cret");
    });
  }

  @Test
  void aReleaseReportsTheAuditHeadOfItsLastRecordAndTheTrailMatchesItAndItsCheckpoint() throws Exception {
    dev.gantry.workflows.api.release.ReleaseStatus report = world.release(world.releaseTo(v14, "1.4.1", staging));
    assertThat(report.state()).isEqualTo(ReleaseState.SUCCEEDED);

    dev.gantry.workflows.api.audit.AuditHead head = report.auditHead();
    assertThat(head).isNotNull();
    assertThat(head.trail()).isEqualTo("audit.jsonl");
    assertThat(head.eventId()).startsWith("release/hello-service/1.4.1/");
    List<String> lines = Files.readAllLines(world.auditLog);
    assertThat(head.sequence()).as("the outcome is the trail's last line").isEqualTo(lines.size());
    assertThat(lines.get(lines.size() - 1)).contains("\"hash\":\"" + head.hash() + "\"")
        .contains("\"outcome\":\"succeeded\"");
    var verified = dev.gantry.activities.audit.TrailVerifier.verify(world.auditLog,
        dev.gantry.activities.audit.TrailVerifier.Options.anchored(List.of(world.workerKey.publicKey())));
    assertThat(verified.intact()).as(verified.problems().toString()).isTrue();
    assertThat(verified.lastAnchored()).as("a checkpoint was signed at the end of the release")
        .isEqualTo(head.sequence());

    // the history as `temporal workflow show --output json` exports it holds every head the release wrote
    Path history = dir.resolve("history.json");
    Files.writeString(history, world.env.getWorkflowClient().fetchHistory("release/hello-service/1.4.1")
        .toJson(true));
    var recorded = dev.gantry.activities.audit.RecordedHeads.read(history);
    assertThat(recorded.appendsWithoutHead()).isZero();
    assertThat(recorded.heads()).isNotEmpty().allSatisfy(h -> assertThat(h.release())
        .isEqualTo("release/hello-service/1.4.1"));
    assertThat(recorded.heads().get(recorded.heads().size() - 1).hash()).isEqualTo(head.hash());
    var options = dev.gantry.activities.audit.TrailVerifier.Options.anchored(List.of(world.workerKey.publicKey()))
        .withRecorded(recorded.heads());
    assertThat(dev.gantry.activities.audit.TrailVerifier.verify(world.auditLog, options).recordedHeads())
        .isEqualTo(recorded.heads().size());

    // cut the release's last records and the checkpoint that covered them: only the history can tell
    List<String> kept = lines.subList(0, lines.size() - 2);
    Files.write(world.auditLog, kept);
    Path checkpoints = dir.resolve(dev.gantry.activities.audit.AuditCheckpoints.FILE_NAME);
    List<String> signed = Files.readAllLines(checkpoints);
    Files.write(checkpoints, signed.subList(0, signed.size() - 1));
    var cut = dev.gantry.activities.audit.TrailVerifier.verify(world.auditLog, options);
    assertThat(cut.intact()).isFalse();
    assertThat(cut.problems().toString()).contains("Temporal recorded event " + head.eventId() + " as line "
        + head.sequence());
  }

  @Test
  void createRegistersTheEnvironmentAndDestroyWithoutVisibilityIsRefusedAsCannotCheck() {
    EnvironmentPlan preview = world.plan("preview-42", new dev.gantry.workflows.api.environment.EnvironmentConfig(
        true, null, null, 24, null, new dev.gantry.workflows.api.approval.ApprovalPolicy(true, List.of("olivia"), 1, 4)));
    ProvisionResult created = stub(EnvironmentProvisionWorkflow.class, "env-create/hello-service/preview-42")
        .provision(new ProvisionRequest("hello-service", preview, "dana"));

    assertThat(created.stacks()).extracting(s -> s.status()).containsOnly("CREATE_COMPLETE");
    assertThat(world.root.resolve("preview-42/us-east-1/releases")).isDirectory();
    assertThat(world.root.resolve("preview-42/environment.json")).exists();
    assertThat(created.expiresAt()).isNotNull();

    DecommissionResult destroyed = stub(EnvironmentDecommissionWorkflow.class, "env-destroy/hello-service/preview-42")
        .destroy(new DecommissionRequest("hello-service", preview, "dana", "done", false, false));

    assertThat(destroyed.state()).isEqualTo("REFUSED");
    assertThat(destroyed.detail()).contains("cannot check whether a release is running in preview-42");
    assertThat(world.root.resolve("preview-42/environment.json")).exists();
  }

  private DriftReport drift(EnvironmentPlan plan) {
    return stub(DriftDetectionWorkflow.class, "drift/hello-service/" + plan.name() + "/" + System.nanoTime())
        .check(new DriftRequest("hello-service", plan, "test", false));
  }

  private <T> T stub(Class<T> type, String id) {
    return world.env.getWorkflowClient().newWorkflowStub(type,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE).build());
  }

  private static void deleteTree(Path path) throws Exception {
    try (var paths = Files.walk(path)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
