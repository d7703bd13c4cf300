package dev.gantry.starter.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.support.ActorKeys;
import dev.gantry.workflows.support.FakeAudit;
import dev.gantry.workflows.support.FakeDeploymentActivities;
import dev.gantry.workflows.support.Releases;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Java client signs what it sends with its key, like {@code git commit -S}: nothing else to do. */
class SignedClientTest {
  private static final ActorKeys CI = ActorKeys.generate();
  private static final ActorKeys ALICE = ActorKeys.generate();
  private static final ActorKeys BOB = ActorKeys.generate();
  private static final ActorKeys ERIN = ActorKeys.generate();

  @RegisterExtension
  static final TestWorkflowExtension testWorkflow = Releases.extension();

  @TempDir Path dir;
  private TestWorkflowEnvironment env;

  static class Directory implements ApproverDirectoryActivities {
    @Override
    public ApproverDirectory load(dev.gantry.workflows.api.approval.DirectoryRequest request) {
      return new ApproverDirectory(request.source(), Map.of(
          "ci-bot", new Approver("ci-bot", List.of(), CI.publicKeyPem()),
          "alice", new Approver("alice", List.of("release-managers"), ALICE.publicKeyPem()),
          "bob", new Approver("bob", List.of("release-managers"), BOB.publicKeyPem()),
          "erin", new Approver("erin", List.of("emergency-approvers"), ERIN.publicKeyPem())));
    }
  }

  @BeforeEach
  void startWorker(TestWorkflowEnvironment env) {
    this.env = env;
    Releases.startWorker(env, new FakeDeploymentActivities(), new FakeAudit(), new Directory());
  }

  @Test
  void aSignedReleaseRunsWhenEveryoneSignsWithTheirOwnKey() throws Exception {
    GantryClient ci = client(CI);
    String id = ci.startRelease(signedRelease());
    await(ci, id, s -> "approval:production".equals(s.stage()));

    GantryClient erin = client(ERIN);
    assertThat(erin.override(id, new OverrideSignal("erin", "window", "the fix must ship now", "INC-1")).accepted())
        .isTrue();
    GantryClient bob = client(BOB);
    bob.pause(id, new PauseSignal("bob", "checking dashboards"));
    await(bob, id, s -> s.timeline().stream().anyMatch(l -> l.event().startsWith("PAUSED by bob")));
    bob.resume(id, new PauseSignal("bob", "all clear"));
    await(bob, id, s -> s.timeline().stream().anyMatch(l -> l.event().startsWith("resumed by bob")));

    assertThatThrownBy(() -> ci.approve(id, ApprovalSignal.of("ci-bot", null, "mine")))
        .isInstanceOf(GateRefusedException.class).hasMessageContaining("separation of duties");
    assertThat(client(ALICE).approve(id, ApprovalSignal.of("alice", null, "LGTM")).detail())
        .isEqualTo("1 of 2 approval(s)");
    assertThat(bob.approve(id, ApprovalSignal.of("bob", null, "ship it")).detail()).isEqualTo("2 of 2 approval(s)");
    assertThat(ci.awaitCompletion(id, Duration.ofMinutes(5)).state()).isEqualTo(ReleaseState.SUCCEEDED);
  }

  @Test
  void anUnsignedClientIsRefusedWithTheFixAndAnotherKeyIsNotTheName() {
    GantryClient ci = client(CI);
    String id = ci.startRelease(signedRelease());
    await(ci, id, s -> "approval:production".equals(s.stage()));
    GantryClient plain = new GantryClient(env.getWorkflowClient());
    assertThatThrownBy(() -> plain.approve(id, ApprovalSignal.of("alice", null, "LGTM")))
        .isInstanceOf(GateRefusedException.class).hasMessageContaining("field 'token' is missing")
        .hasMessageContaining("signingKey");
    assertThatThrownBy(() -> client(BOB).approve(id, ApprovalSignal.of("alice", null, "as alice")))
        .isInstanceOf(GateRefusedException.class)
        .hasMessageContaining("not signed by the key registered for alice");
  }

  @Test
  void aSigningClientAbortsWithASignedMessageThatSaysWho() {
    GantryClient ci = client(CI);
    String id = ci.startRelease(signedRelease());
    await(ci, id, s -> "approval:production".equals(s.stage()));
    client(BOB).abort(id, "wrong build", "bob");
    ReleaseStatus aborted = await(ci, id, s -> s.state() == ReleaseState.FAILED);
    assertThat(aborted.failureReason()).isEqualTo("aborted by bob: wrong build");
  }

  @Test
  void aKeyThatIsNotAnEcPrivateKeyIsRefusedWithoutShowingIt() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.key"), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----\n");
    assertThatThrownBy(() -> ActorSigner.fromPem(bad)).isInstanceOf(GantryException.class)
        .hasMessageContaining("not an EC P-256 PKCS#8 PEM private key").hasMessageNotContaining("c2VjcmV0");
    assertThatThrownBy(() -> ActorSigner.fromPem(privateKeyFile(ALICE), Duration.ofDays(3650)))
        .hasMessageContaining("at most PT1H");
  }

  private GantryClient client(ActorKeys keys) {
    try {
      return new GantryClient(env.getWorkflowClient()).signingWith(ActorSigner.fromPem(privateKeyFile(keys),
          Duration.ofHours(1)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Path privateKeyFile(ActorKeys keys) throws Exception {
    Path file = Files.createTempFile(dir, "actor", ".key");
    Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keys.pair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n");
    return file;
  }

  private static ReleaseRequest signedRelease() {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>(example.environments());
    EnvironmentPlan prod = environments.get(2);
    environments.set(2, prod.toBuilder()
        .approval(new ApprovalPolicy(true, List.of(), 2, 72, List.of("release-managers"), null, null, null, true, null))
        .build());
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        "ci-bot", example.specSource(), "/etc/gantry/approvers.yaml");
  }

  private static ReleaseStatus await(GantryClient client, String id, Predicate<ReleaseStatus> condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    ReleaseStatus last = null;
    while (System.nanoTime() < deadline) {
      last = client.status(id);
      if (condition.test(last)) {
        return last;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("never reached; last: " + last);
  }
}
