package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.DemoKeys;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.deploy.DeployTarget;
import dev.gantry.workflows.api.deploy.HealthCheck;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.signing.SigningPolicy;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import dev.gantry.workflows.api.temporal.TaskQueues;
import dev.gantry.workflows.release.ReleaseWorkflow;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trust boundary tried as an attacker who may start releases and send signals, and nothing more: a real
 * Temporal dev server, the worker in a JVM of its own with the platform's policy directory (production needs
 * two approvals from release-managers, signatures by the platform's key), and requests made by the CLI, the
 * Java client, raw gRPC and the {@code temporal} CLI. Each attack of the trust-boundary issue gets the
 * refusal it names, and after each one: nothing deployed where policy requires a gate, nothing written
 * outside the folders the policy declares, nothing of a file outside them in any message.
 */
@RealPeers
class AdversarialReleaseTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {};
  private static final String SECRET = "s3cr3t-worker-token-" + System.nanoTime();

  @TempDir static Path root;
  private static TemporalPeer temporal;
  private static Process worker;
  private static Path workerLog;
  private static GantryClient gantry;
  private static Path policy;
  private static Path targets;
  private static Path artifact;
  private static String digest;
  /** A file outside every root, as an attacker would name it: its bytes and digest must never show. */
  private static Path secretFile;
  private static String secretDigest;
  private static int versions;

  @BeforeAll
  static void startServerAndWorker() throws Exception {
    temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
    policy = writePolicy(root.resolve("platform"));
    targets = root.resolve("platform-targets");
    Files.createDirectories(root.resolve("artifacts"));
    artifact = Files.writeString(root.resolve("artifacts/shop.sh"), "#!/bin/sh\necho shop\n");
    digest = Digests.sha256(artifact);
    Files.createDirectories(root.resolve("private"));
    secretFile = Files.writeString(root.resolve("private/shadow"), "root:$6$notarealhash:19000:0:99999:7:::\n");
    secretDigest = Digests.sha256(secretFile);
    startWorker();
    gantry = GantryClient.connect(temporal.address(), "default");
  }

  @AfterAll
  static void stop() throws Exception {
    if (gantry != null) {
      gantry.close();
    }
    if (worker != null) {
      worker.destroy();
      if (!worker.waitFor(20, TimeUnit.SECONDS)) {
        worker.destroyForcibly();
      }
    }
    if (temporal != null) {
      temporal.close();
    }
  }

  // ------------------------------------------------------------------------------------------- attacks

  @Test
  void aRawTemporalStartCarryingItsOwnPlanIsRefusedAndRunsNothing() throws Exception {
    Path attackerRoot = Files.createDirectories(root.resolve("attacker/targets"));
    Path marker = root.resolve("attacker/health-check-ran");
    EnvironmentPlan noGates = EnvironmentPlan.builder()
        .name("production")
        .primaryRegion("us-east-1")
        .waves(List.of(List.of("us-east-1")))
        .target(new DeployTarget(DeployTarget.LOCAL, attackerRoot.toString()))
        .healthCheck(new HealthCheck("touch " + marker + "; cat " + secretFile + "; env", null, 5, 1, 1))
        .approval(new ApprovalPolicy(false, List.of(), 0, null))
        .variables(Map.of())
        .verification(VerificationPolicy.notRequired())
        .build();
    ReleaseRequest crafted = new ReleaseRequest("shop", nextVersion(), ArtifactRef.file(artifact.toString(), digest),
        List.of(noGates), "mallory", "crafted", secretFile.toString(),
        new SigningPolicy(root.resolve("attacker/key").toString(), null, null, null, null));
    Set<String> before = filesOutsideRoots();

    String id = crafted.releaseId();
    Process start = new ProcessBuilder(TemporalPeer.devServerBinary().toString(), "workflow", "start",
        "--address", temporal.address(), "--namespace", "default", "--task-queue", TaskQueues.RELEASE,
        "--type", "Release", "--workflow-id", id, "--input", JSON.writeValueAsString(crafted))
        .redirectErrorStream(true).start();
    String printed = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(start.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(start.exitValue()).as(printed).isZero();

    ReleaseStatus refused = awaitEnd(id);
    assertThat(refused.state()).isEqualTo(ReleaseState.FAILED);
    assertThat(refused.failureReason()).contains("refused")
        .contains("field 'environments' is not accepted").contains(policy.resolve("environments").toString())
        .contains("field 'approversDirectory' is not accepted").contains("field 'signing' is not accepted");
    assertThat(temporalStatus(id)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
    assertThat(marker).as("the request's health check never runs").doesNotExist();
    assertThat(attackerRoot).isEmptyDirectory();
    assertNoLeak(refused);
    assertThat(filesOutsideRoots()).isEqualTo(before);
  }

  @Test
  void anEditedLocalCopyOfTheConfigDecidesNothing() throws Exception {
    Path requester = Files.createDirectories(root.resolve("requester-" + nextVersion()));
    String version = nextVersion();
    Files.writeString(requester.resolve("release.yaml"), """
        application: shop
        version: %s
        requestedBy: dana
        artifact: {file: ../artifacts/shop.sh}
        """.formatted(version));
    // the requester's own edited copy of production's config, without its approval gate: nothing reads it
    Path local = Files.createDirectories(requester.resolve("environments/production"));
    Files.writeString(local.resolve("config.yaml"), Files.readString(
        policy.resolve("environments/production/config.yaml")).replaceAll("(?s)approval:.*?\n(?=\\S)", ""));

    var started = CliEndToEndTest.cli("release", "start", requester.resolve("release.yaml").toString(),
        "--address", temporal.address(), "-o", "json");
    assertThat(started.exitCode()).as(started.err()).isZero();
    String id = "release/shop/" + version;
    awaitStage(id, "approval:production");
    ReleaseStatus waiting = gantry.status(id);
    assertThat(waiting.policy().digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(waiting.policy().path()).isEqualTo(policy.toString());
    assertThat(waiting.environments().get(1).waitingFor()).startsWith("2 approval(s) from members of release-managers");
    assertThat(targets.resolve("shop/production")).as("production is not touched before its approvals")
        .doesNotExist();
    var status = CliEndToEndTest.cli("release", "status", id, "--address", temporal.address());
    assertThat(status.out()).contains("policy ").contains(waiting.policy().digest().substring(0, 19));

    // an old spec that still sets what policy owns is refused by the CLI before anything is sent
    Files.writeString(requester.resolve("release.yaml"), Files.readString(requester.resolve("release.yaml"))
        + "approversDirectory: /etc/shadow\nsigning: {key: mine.key}\n");
    var old = CliEndToEndTest.cli("release", "start", requester.resolve("release.yaml").toString(),
        "--address", temporal.address());
    assertThat(old.exitCode()).isEqualTo(2);
    assertThat(old.err()).contains("field 'approversDirectory' moved into the platform policy")
        .contains("field 'signing' moved into the platform policy");
    assertThat(CliEndToEndTest.cli("release", "start", requester.resolve("release.yaml").toString(),
        "--target-root", "/tmp", "--address", temporal.address()).exitCode()).as("--target-root is gone").isEqualTo(2);
  }

  @Test
  void aWrongDigestRevealsNothingAndAFileOutsideTheRootsIsNeverCopied() throws Exception {
    Set<String> before = filesOutsideRoots();
    String wrongDigest = "sha256:" + "e".repeat(64);
    ReleaseStatus wrong = startAndAwaitEnd(request(nextVersion(), ArtifactRef.file(artifact.toString(), wrongDigest)));
    assertThat(wrong.failureReason()).contains("field 'artifact.digest' does not match").doesNotContain(digest);

    ReleaseStatus probe = startAndAwaitEnd(request(nextVersion(), ArtifactRef.file(secretFile.toString(), wrongDigest)));
    ReleaseStatus exact = startAndAwaitEnd(request(nextVersion(), ArtifactRef.file(secretFile.toString(), secretDigest)));
    for (ReleaseStatus refused : List.of(probe, exact)) {
      assertThat(refused.state()).isEqualTo(ReleaseState.FAILED);
      assertThat(refused.failureReason()).contains("roots.artifacts");
    }
    assertNoLeak(probe);
    assertThat(exact.failureReason()).as("the attacker's own digest is not confirmed").doesNotContain(secretDigest);
    try (Stream<Path> deployed = Files.walk(root)) {
      assertThat(deployed.filter(Files::isRegularFile).filter(file -> !file.equals(secretFile))
          .filter(file -> sameBytes(file, secretFile)).toList()).as("copies of the secret file").isEmpty();
    }
    assertThat(filesOutsideRoots()).isEqualTo(before);
  }

  @Test
  void traversalNamesAreRefusedAndWriteNothing() throws Exception {
    Set<String> before = filesOutsideRoots();
    List<ReleaseRequest> hostile = List.of(
        request("../../../escaped", ArtifactRef.file(artifact.toString(), digest)),
        request("1.0/../../x", ArtifactRef.file(artifact.toString(), digest)),
        ReleaseRequest.request("../../shop", "1.0.0", ArtifactRef.file(artifact.toString(), digest), "dana",
            null, "test", null, null),
        ReleaseRequest.request("shop", nextVersion(), ArtifactRef.file(artifact.toString(), digest), "dana",
            List.of("../../production"), "test", null, null),
        ReleaseRequest.request("shop", nextVersion(), ArtifactRef.file(root.resolve("artifacts/../private/shadow")
            .toString(), secretDigest), "dana", null, "test", null, null));
    for (ReleaseRequest request : hostile) {
      ReleaseStatus refused = startRawAndAwaitEnd(request, "release/traversal/" + nextVersion());
      assertThat(refused.state()).as(request.version()).isEqualTo(ReleaseState.FAILED);
      assertThat(refused.failureReason()).startsWith("refused: field '");
      if (!secretDigest.equals(request.artifact().digest())) { // the attacker's own digest may come back to them
        assertNoLeak(refused);
      }
    }
    assertThat(filesOutsideRoots()).isEqualTo(before);
    assertThat(root.resolve("escaped")).doesNotExist();
  }

  @Test
  void inputsThatCannotRunFailAtOnceWithAReason() throws Exception {
    Map<String, Object> noEnvironments = new HashMap<>(JSON.convertValue(
        request(nextVersion(), ArtifactRef.file(artifact.toString(), digest)), JSON_OBJECT));
    noEnvironments.put("environments", List.of());
    Map<String, Object> noArtifact = new HashMap<>(JSON.convertValue(
        request(nextVersion(), ArtifactRef.file(artifact.toString(), digest)), JSON_OBJECT));
    noArtifact.put("artifact", null);
    Map<String, Object> wrongTypes = Map.of("application", List.of("shop"), "environments", "all of them");
    Map<String, Object> hugeName = Map.of("application", "a".repeat(1_000_000), "version", "1.0.0");
    int n = 0;
    for (Object input : List.of(noEnvironments, noArtifact, wrongTypes, hugeName, Map.of())) {
      String id = "release/crafted/" + (++n) + "-" + nextVersion();
      long started = System.nanoTime();
      WorkflowStub stub = gantry.workflowClient().newUntypedWorkflowStub("Release",
          WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(TaskQueues.RELEASE).build());
      stub.start(input);
      assertThat(awaitClosed(id)).as(id).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as(id).isLessThan(Duration.ofSeconds(30));
      var cli = CliEndToEndTest.cli("release", "status", id, "--address", temporal.address(), "-o", "json");
      assertThat(cli.err()).as("no stack trace").doesNotContain("\tat ");
      assertThat(cli.out() + cli.err()).as(id).contains("FAILED");
      assertThat((cli.out() + cli.err()).length()).as("no hostile value is echoed").isLessThan(20_000);
      if (input != wrongTypes) { // an input that cannot even be decoded cannot be queried: Temporal's word stands
        ReleaseStatus ended = gantry.status(id);
        assertThat(ended.state()).as(id).isEqualTo(ReleaseState.FAILED);
        assertThat(ended.failureReason()).as(id).startsWith("refused: ");
      }
    }
  }

  @Test
  void fortyHostileMegabyteSignalsLeaveTheReleaseReadableApprovableAndConsistent() throws Exception {
    String version = nextVersion();
    String id = gantry.startRelease(request(version, ArtifactRef.file(artifact.toString(), digest)));
    awaitStage(id, "approval:production");
    WorkflowStub release = gantry.workflowClient().newUntypedWorkflowStub(id);
    String megabyte = "x".repeat(1_000_000);
    for (int i = 0; i < 40; i++) {
      switch (i % 4) {
        case 0 -> release.signal("approve", Map.of("approver", megabyte, "digest", digest));
        case 1 -> release.signal("approve", Map.of("approver", "alice", "digest", digest, "comment", megabyte
            + "\n\u001b[2J forged line"));
        case 2 -> release.signal("pause", Map.of("by", megabyte.substring(500_000), "reason",
            megabyte.substring(500_000)));
        default -> release.signal("override", Map.of("approver", "erin", "gate", megabyte.substring(700_000),
            "justification", megabyte.substring(600_000), "incident", megabyte.substring(700_000)));
      }
    }
    ReleaseStatus flooded;
    try {
      flooded = gantry.status(id);
    } catch (RuntimeException unreadable) {
      throw new AssertionError("status after the flood: " + unreadable + "\nworker log:\n" + workerLogTail(), unreadable);
    }
    assertThat(JSON.writeValueAsString(flooded).length()).as("status stays small").isLessThan(256 * 1024);
    assertThat(flooded.state()).isIn(ReleaseState.AWAITING_APPROVAL, ReleaseState.WAITING);
    var cli = CliEndToEndTest.cli("release", "status", id, "--timeline", "--address", temporal.address());
    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).doesNotContain("\u001b[2J");

    ReleaseWorkflow typed = gantry.workflowClient().newWorkflowStub(ReleaseWorkflow.class, id);
    typed.approve(ApprovalSignal.of("bob", digest, "real approval"));
    typed.approve(ApprovalSignal.of("carol", digest, "real approval"));
    ReleaseStatus done = awaitEnd(id);
    assertThat(done.state()).as(done.failureReason()).isEqualTo(ReleaseState.SUCCEEDED);
    assertThat(temporalStatus(id)).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
    var listed = CliEndToEndTest.cli("release", "list", "--address", temporal.address(), "-o", "json");
    assertThat(listed.out()).contains(id);
    assertThat(JSON.readTree(listed.out()).findValues("releaseId").stream().map(node -> node.asText()).toList())
        .contains(id);
  }

  @Test
  void aHundredMegabyteSignalsEndTheRunAndGantrySaysWhatTemporalSays() throws Exception {
    String id = gantry.startRelease(request(nextVersion(), ArtifactRef.file(artifact.toString(), digest)));
    awaitStage(id, "approval:production");
    WorkflowStub release = gantry.workflowClient().newUntypedWorkflowStub(id);
    String megabyte = "y".repeat(1_000_000);
    int sent = 0;
    try {
      for (; sent < 100; sent++) {
        release.signal("approve", Map.of("approver", "alice", "digest", digest, "comment", megabyte));
      }
    } catch (RuntimeException closed) {
      // Temporal ends a run whose history passes its size limit (50 MB): later signals find it closed
    }
    WorkflowExecutionStatus temporalSays = awaitClosed(id);
    var cli = CliEndToEndTest.cli("release", "status", id, "--address", temporal.address(), "-o", "json");
    assertThat(cli.err()).as("no stack trace").doesNotContain("\tat ");
    String gantrySays = JSON.readTree(cli.out()).path("state").asText();
    assertThat(gantrySays).as("after " + sent + " signals").isEqualTo(switch (temporalSays) {
      case WORKFLOW_EXECUTION_STATUS_TERMINATED -> "TERMINATED";
      case WORKFLOW_EXECUTION_STATUS_COMPLETED -> "SUCCEEDED";
      default -> temporalSays.name();
    });
    assertThat(targets.resolve("shop/production")).as("no production deploy without its two approvers")
        .satisfiesAnyOf(dir -> assertThat(dir).doesNotExist(),
            dir -> assertThat(deployedVersions(dir)).doesNotContain(id.substring(id.lastIndexOf('/') + 1)));
  }

  // ------------------------------------------------------------------------------------------ the world

  private static Path writePolicy(Path dir) throws IOException {
    DemoKeys.ensure(root);
    Files.createDirectories(dir.resolve("environments/dev"));
    Files.createDirectories(dir.resolve("environments/production"));
    Files.writeString(dir.resolve("policy.yaml"), """
        roots:
          artifacts: [../artifacts]
          targets: [../platform-targets]
        approvers: approvers.yaml
        signing: {key: ../keys/release.key}
        applications:
          shop:
            owners: [dana]
            promotion: [dev, production]
        """);
    Files.writeString(dir.resolve("approvers.yaml"), """
        people:
          alice: {groups: [release-managers]}
          bob: {groups: [release-managers]}
          carol: {groups: [release-managers]}
          dana: {groups: [developers]}
          erin: {groups: [emergency-approvers]}
        """);
    // dev's health check fails if the worker's own environment (its secrets) reached the command
    Files.writeString(dir.resolve("environments/dev/config.yaml"), """
        regions: [{name: us-east-1}]
        target: {type: local, root: ../platform-targets/shop}
        healthCheck: {command: "! env | grep -q GANTRY_WORKER_SECRET", timeoutSeconds: 10, attempts: 1}
        verification: {trustedKeys: ../keys/trusted-keys.yaml, require: [slsa-provenance]}
        """);
    Files.writeString(dir.resolve("environments/production/config.yaml"), """
        regions: [{name: us-east-1, primary: true}, {name: eu-west-1}]
        target: {type: local, root: ../platform-targets/shop}
        healthCheck: {command: "true", timeoutSeconds: 10, attempts: 1}
        approval: {required: true, groups: [release-managers], minApprovals: 2, signedApprovals: false}
        verification: {trustedKeys: ../keys/trusted-keys.yaml, require: [slsa-provenance]}
        """);
    return dir;
  }

  private static void startWorker() throws IOException, InterruptedException {
    workerLog = root.resolve("worker.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        GantryWorkerApplication.class.getName(), "worker",
        "--spring.temporal.connection.target=" + temporal.address(), "--server.port=0",
        "--gantry.policy.path=" + policy,
        "--gantry.audit.path=" + root.resolve("worker-state/audit/audit.jsonl"),
        "--gantry.audit.signatures-path=" + root.resolve("worker-state/audit/signatures.jsonl"),
        "--gantry.audit.key=" + root.resolve("worker-state/keys/audit-worker.key"), "--gantry.audit.make-key=true",
        "--gantry.signing.store=" + root.resolve("worker-state/signatures"),
        "--gantry.reviews.path=" + root.resolve("worker-state/reviews"))
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(workerLog.toFile());
    builder.environment().put("GANTRY_WORKER_SECRET", SECRET);
    worker = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!Files.readString(workerLog).contains("platform policy loaded")) {
      if (!worker.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException("the worker did not start:\n" + Files.readString(workerLog));
      }
      Thread.sleep(200);
    }
  }

  private static String workerLogTail() {
    try {
      List<String> lines = Files.readAllLines(workerLog);
      return lines.stream().filter(line -> !line.startsWith("\tat ")).skip(Math.max(0, lines.size() - 400))
          .filter(line -> line.contains("\"ERROR\"") || line.contains("WorkflowWorker") || line.contains("Caused"))
          .map(line -> line.length() > 3000 ? line.substring(0, 3000) + "..." : line)
          .reduce("", (a, b) -> a + b + "\n");
    } catch (IOException e) {
      return "(no worker log: " + e + ")";
    }
  }

  private static String nextVersion() {
    return "1.0." + (++versions);
  }

  private static ReleaseRequest request(String version, ArtifactRef artifact) {
    return ReleaseRequest.request("shop", version, artifact, "dana", null, "adversarial-test", null, null);
  }

  private static ReleaseStatus startAndAwaitEnd(ReleaseRequest request) throws Exception {
    return awaitEnd(gantry.startRelease(request));
  }

  /** Started the way a crafted client would: any workflow id, no client-side checks. */
  private static ReleaseStatus startRawAndAwaitEnd(ReleaseRequest request, String workflowId) throws Exception {
    WorkflowStub stub = gantry.workflowClient().newUntypedWorkflowStub("Release",
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(TaskQueues.RELEASE).build());
    stub.start(request);
    return awaitEnd(workflowId);
  }

  private static ReleaseStatus awaitEnd(String id) throws InterruptedException {
    return await(id, status -> status.state().isFinal(), Duration.ofSeconds(90));
  }

  private static void awaitStage(String id, String stage) throws InterruptedException {
    await(id, status -> stage.equals(status.stage()), Duration.ofSeconds(90));
  }

  private static ReleaseStatus await(String id, Predicate<ReleaseStatus> done, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ReleaseStatus last = null;
    RuntimeException lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = gantry.status(id);
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException notYet) {
        lastError = notYet;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(id + " never got there; last status " + last + "; last error " + lastError);
  }

  private static WorkflowExecutionStatus awaitClosed(String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      WorkflowExecutionStatus status = temporalStatus(id);
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        return status;
      }
      Thread.sleep(500);
    }
    return temporalStatus(id);
  }

  private static WorkflowExecutionStatus temporalStatus(String id) {
    return gantry.workflowClient().getWorkflowServiceStubs().blockingStub().describeWorkflowExecution(
        io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest.newBuilder().setNamespace("default")
            .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder().setWorkflowId(id)).build())
        .getWorkflowExecutionInfo().getStatus();
  }

  /** Nothing of the secret file, its digest, or the worker's environment in anything a requester sees. */
  private static void assertNoLeak(ReleaseStatus status) throws IOException {
    String shown = JSON.writeValueAsString(status);
    assertThat(shown).doesNotContain("root:$6$").doesNotContain(secretDigest).doesNotContain(SECRET)
        .doesNotContain("PATH=");
    assertThat(Files.readString(workerLog)).doesNotContain("root:$6$").doesNotContain(SECRET);
  }

  /**
   * Every file under the test's folder except where the policy lets the worker write (its targets) and the
   * worker's own state and log: a write anywhere else is a confinement failure.
   */
  private static Set<String> filesOutsideRoots() throws IOException {
    Set<Path> allowed = Set.of(targets, root.resolve("worker-state"), workerLog, root.resolve("artifacts"));
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(path -> allowed.stream().noneMatch(path::startsWith))
          .filter(path -> !path.getFileName().toString().startsWith("requester-"))
          .map(path -> root.relativize(path).toString())
          .filter(path -> !path.startsWith("requester-"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static List<String> deployedVersions(Path environment) {
    try (Stream<Path> files = Files.walk(environment)) {
      return files.map(Path::toString).filter(path -> path.contains("/releases/")).toList();
    } catch (IOException e) {
      return new ArrayList<>();
    }
  }

  private static boolean sameBytes(Path a, Path b) {
    try {
      return Files.size(a) == Files.size(b) && java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    } catch (IOException e) {
      return false;
    }
  }
}
