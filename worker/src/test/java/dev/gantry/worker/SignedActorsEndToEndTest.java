package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.activities.audit.HashChainedLog;
import dev.gantry.activities.local.Digests;
import dev.gantry.starter.cli.GantryCli;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.support.ActorKeys;
import io.temporal.client.WorkflowStub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Signed actors through the real {@code gantry} CLI, the Spring worker and the Temporal dev server: a
 * production with a required approval is signed by default; the CLI signs with the key it is given; typed
 * names, another's key, a plain override and a replayed token are refused; a token minted by
 * {@code gantry approval-token} works from a UI-style signal.
 */
@RealPeers
class SignedActorsEndToEndTest {
  private static final ActorKeys CI = ActorKeys.generate();
  private static final ActorKeys ALICE = ActorKeys.generate();
  private static final ActorKeys BOB = ActorKeys.generate();
  private static final ActorKeys ERIN = ActorKeys.generate();

  @TempDir Path dir;

  @Test
  // the worker has to run while the test drives releases through Temporal; the body never names it
  @SuppressWarnings("try")
  void aSignedReleaseThroughTheCli() throws Exception {
    TestPolicy policy = TestPolicy.in(dir).application("signed-app", "production").approvers("approvers.yaml")
        .environment("production", """
            regions: [{name: us-east-1}]
            target: {type: local, root: ../targets}
            healthCheck: {command: "true"}
            approval: {required: true, groups: [release-managers], minApprovals: 2}
            verification: {required: false}
            """)
        .file("keys/ci-bot.pub", CI.publicKeyPem()).file("keys/alice.pub", ALICE.publicKeyPem())
        .file("keys/bob.pub", BOB.publicKeyPem()).file("keys/erin.pub", ERIN.publicKeyPem())
        .file("approvers.yaml", """
            people:
              ci-bot: {publicKey: keys/ci-bot.pub}
              alice: {groups: [release-managers], publicKey: keys/alice.pub}
              bob: {groups: [release-managers], publicKey: keys/bob.pub}
              carol: {groups: [release-managers]}
              erin: {groups: [emergency-approvers], publicKey: keys/erin.pub}
            """);
    policy.write();
    Path artifact = policy.artifact("app.txt", "signed\n");
    String digest = Digests.sha256(artifact);
    Path keys = Files.createDirectories(dir.resolve("private"));
    Path ciKey = privateKey(keys, "ci-bot", CI);
    Path aliceKey = privateKey(keys, "alice", ALICE);
    Path bobKey = privateKey(keys, "bob", BOB);

    try (TemporalPeer temporal = TemporalPeer.start(TemporalPeer.Kind.DEV_SERVER);
        ConfigurableApplicationContext worker = CliEndToEndTest.startWorker(temporal.address(), policy.dir(),
            "--gantry.audit.path=" + dir.resolve("audit/audit.jsonl"),
            "--gantry.audit.signatures-path=" + dir.resolve("audit/signatures.jsonl"),
            "--gantry.signing.store=" + dir.resolve("signatures"),
            "--gantry.reviews.path=" + dir.resolve("reviews"));
        GantryClient gantry = GantryClient.connect(temporal.address(), "default")) {
      String address = temporal.address();

      // unsigned request: refused, nothing runs
      Path unsigned = spec("1.0.0", artifact);
      CliEndToEndTest.Run start = CliEndToEndTest.cli("release", "start", unsigned.toString(), "--address", address);
      assertThat(start.exitCode()).as(start.err()).isZero();
      ReleaseStatus refused = awaitState(gantry, "release/signed-app/1.0.0", ReleaseState.FAILED);
      assertThat(refused.failureReason()).contains("field 'requestToken' is missing");

      // signed with the requester's key (env GANTRY_SIGNING_KEY is not needed: --signing-key)
      start = CliEndToEndTest.cli("release", "start", spec("1.0.1", artifact).toString(), "--address", address,
          "--signing-key", ciKey.toString());
      assertThat(start.exitCode()).as(start.err()).isZero();
      String id = "release/signed-app/1.0.1";
      awaitStage(gantry, id, "approval:production");
      assertThat(gantry.status(id).environments().get(0).waitingFor()).contains("gantry approval-token --release " + id);

      CliEndToEndTest.Run typed = CliEndToEndTest.cli("release", "approve", id, "--as", "alice", "--address", address);
      assertThat(typed.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(typed.err()).contains("field 'token' is missing");
      CliEndToEndTest.Run otherKey = CliEndToEndTest.cli("release", "approve", id, "--as", "alice",
          "--signing-key", bobKey.toString(), "--address", address);
      assertThat(otherKey.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(otherKey.err()).contains("not signed by the key registered for alice")
          .doesNotContain("PRIVATE KEY");
      CliEndToEndTest.Run asCi = CliEndToEndTest.cli("release", "approve", id, "--as", "ci-bot",
          "--signing-key", ciKey.toString(), "--address", address);
      assertThat(asCi.exitCode()).isEqualTo(GantryCli.FAILED);

      CliEndToEndTest.Run alice = CliEndToEndTest.cli("release", "approve", id, "--as", "alice",
          "--signing-key", aliceKey.toString(), "--address", address);
      assertThat(alice.exitCode()).as(alice.err()).isZero();
      assertThat(alice.out()).contains("1 of 2");

      // the Temporal UI path: a plain override claiming to be erin is refused and recorded
      WorkflowStub release = gantry.workflowClient().newUntypedWorkflowStub(id);
      release.signal("override", Map.of("approver", "erin", "gate", "window", "justification",
          "customer-facing outage", "incident", "INC-9", "environment", "production"));
      // bob's approval from the UI with a token from `gantry approval-token`
      CliEndToEndTest.Run minted = CliEndToEndTest.cli("approval-token", "--signing-key", bobKey.toString(),
          "--as", "bob", "--release", id, "--environment", "production", "--digest", digest);
      assertThat(minted.exitCode()).as(minted.err()).isZero();
      String token = minted.out().strip();
      release.signal("approve", Map.of("approver", "bob", "digest", digest, "comment", "from the UI", "token", token));

      ReleaseStatus done = gantry.awaitCompletion(id, Duration.ofMinutes(2));
      assertThat(done.state()).as(String.valueOf(done.failureReason())).isEqualTo(ReleaseState.SUCCEEDED);
      assertThat(done.overrides()).singleElement().satisfies(o -> {
        assertThat(o.accepted()).isFalse();
        assertThat(o.reason()).contains("field 'token' is missing");
      });
      assertThat(done.timeline()).anyMatch(l -> l.event().startsWith("request signed by ci-bot (key "))
          .anyMatch(l -> l.event().contains("approval by bob accepted: from the UI (signed, key "));
      assertThat(String.valueOf(done)).doesNotContain(token);

      // rollbacks of the signed environment: unsigned, by a non-approver, then alice's own (twice with one token)
      CliEndToEndTest.Run unsignedRollback = CliEndToEndTest.cli("release", "rollback", id, "--environment",
          "production", "--reason", "error rate up", "--as", "alice", "--address", address);
      assertThat(unsignedRollback.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(unsignedRollback.err()).contains("rollback refused (nothing was rolled back)")
          .contains("field 'token' is missing");
      CliEndToEndTest.Run ciRollback = CliEndToEndTest.cli("release", "rollback", id, "--environment",
          "production", "--reason", "error rate up", "--as", "ci-bot", "--signing-key", ciKey.toString(),
          "--address", address);
      assertThat(ciRollback.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(ciRollback.err()).contains("ci-bot may not roll back production");
      assertThat(Files.readString(dir.resolve("audit/audit.jsonl"))).doesNotContain("\"kind\":\"rollback-region\"");
      CliEndToEndTest.Run rollbackToken = CliEndToEndTest.cli("approval-token", "--signing-key",
          aliceKey.toString(), "--as", "alice", "--action", "rollback", "--release", id, "--environment",
          "production", "--digest", digest);
      assertThat(rollbackToken.exitCode()).as(rollbackToken.err()).isZero();
      CliEndToEndTest.Run signedRollback = CliEndToEndTest.cli("release", "rollback", id, "--environment",
          "production", "--reason", "error rate up", "--as", "alice", "--token", rollbackToken.out().strip(),
          "--address", address);
      assertThat(signedRollback.out()).as(signedRollback.err()).contains("rollback of " + id + " in production:");
      CliEndToEndTest.Run replayed = CliEndToEndTest.cli("release", "rollback", id, "--environment",
          "production", "--reason", "again", "--as", "alice", "--token", rollbackToken.out().strip(),
          "--address", address);
      assertThat(replayed.exitCode()).isEqualTo(GantryCli.FAILED);
      assertThat(replayed.err()).contains("this token (jti) was already used");

      Path audit = dir.resolve("audit/audit.jsonl");
      assertThat(HashChainedLog.verify(audit)).isEmpty();
      assertThat(Files.readString(audit)).contains("\"kind\":\"rollback\"").contains("\"outcome\":\"signed\"");
      assertThat(Files.readString(audit)).contains("\"kind\":\"override\"").contains("\"outcome\":\"refused\"")
          .doesNotContain(token);
    }
  }

  private Path spec(String version, Path artifact) throws Exception {
    return Files.writeString(dir.resolve("release-" + version + ".yaml"), """
        application: signed-app
        version: %s
        requestedBy: ci-bot
        artifact:
          file: %s
        """.formatted(version, artifact.toAbsolutePath()));
  }

  private static Path privateKey(Path folder, String name, ActorKeys keys) throws Exception {
    return Files.writeString(folder.resolve(name + ".key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.pair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
  }

  private static ReleaseStatus awaitState(GantryClient gantry, String id, ReleaseState state)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        ReleaseStatus status = gantry.status(id);
        if (status.state() == state) {
          return status;
        }
      } catch (RuntimeException notYet) {
        // the first workflow task has not run yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " never reached " + state);
  }

  private static void awaitStage(GantryClient gantry, String id, String stage) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (stage.equals(gantry.status(id).stage())) {
          return;
        }
      } catch (RuntimeException notYet) {
        // the first workflow task has not run yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(id + " never reached " + stage);
  }
}
