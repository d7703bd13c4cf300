package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.ApprovalPolicy;
import dev.gantry.workflows.api.ApprovalSignal;
import dev.gantry.workflows.api.ArtifactRef;
import dev.gantry.workflows.api.DeployTarget;
import dev.gantry.workflows.api.EnvironmentPlan;
import dev.gantry.workflows.api.HealthCheck;
import dev.gantry.workflows.api.ReleaseRequest;
import dev.gantry.workflows.support.Releases;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApprovalBookTest {

  private static EnvironmentPlan env(String name, ApprovalPolicy approval) {
    return new EnvironmentPlan(name, "us-east-1", List.of(List.of("us-east-1")),
        new DeployTarget(DeployTarget.LOCAL, "/srv"), new HealthCheck("true", null, null, null, null),
        approval, Map.of());
  }

  /** dev (no gate) -> staging (alice or bob, 1 needed) -> production (alice, bob, carol, 2 needed). */
  private static ReleaseRequest twoGates(String requestedBy) {
    return new ReleaseRequest("hello-service", "1.4.0", ArtifactRef.file("/a.tgz", Releases.DIGEST),
        List.of(env("dev", ApprovalPolicy.none()),
            env("staging", new ApprovalPolicy(true, List.of("alice", "bob"), null, null)),
            env("production", new ApprovalPolicy(true, List.of("alice", "bob", "carol"), 2, null))),
        requestedBy, "test");
  }

  private final ReleaseRequest request = twoGates("dana");
  private final EnvironmentPlan staging = request.environments().get(1);
  private final EnvironmentPlan production = request.environments().get(2);
  private final ApprovalBook book = new ApprovalBook(request);

  @Test
  void anAllowedApproverCountsForTheOpenGate() {
    book.open("production");
    ApprovalBook.Decision decision = book.consider(new ApprovalSignal("alice", "LGTM"));

    assertThat(decision.accepted()).isTrue();
    assertThat(decision.refusal()).isNull();
    assertThat(decision.environment()).isEqualTo("production");
    assertThat(book.approversOf("production")).containsExactly("alice");
    assertThat(book.approversOf("staging")).isEmpty();
  }

  @Test
  void theQuorumNeedsDistinctApprovers() {
    book.open("production");
    book.consider(new ApprovalSignal("alice", null));
    assertThat(book.satisfied(production)).isFalse();

    ApprovalBook.Decision again = book.consider(new ApprovalSignal("alice", "really"));
    assertThat(again.accepted()).isFalse();
    assertThat(again.refusal()).contains("alice has already approved production");
    assertThat(book.satisfied(production)).isFalse();

    assertThat(book.consider(new ApprovalSignal("carol", null)).accepted()).isTrue();
    assertThat(book.satisfied(production)).isTrue();
    assertThat(book.approversOf("production")).containsExactly("alice", "carol");
  }

  @Test
  void minApprovalsDefaultsToOne() {
    assertThat(book.satisfied(staging)).isFalse();
    book.open("staging");
    book.consider(new ApprovalSignal("bob", null));
    assertThat(book.satisfied(staging)).isTrue();
  }

  @Test
  void theRequesterCannotApproveEvenWhenListedAsApprover() {
    ApprovalBook selfish = new ApprovalBook(twoGates("alice"));
    selfish.open("production");

    ApprovalBook.Decision decision = selfish.consider(new ApprovalSignal("alice", "my own"));

    assertThat(decision.accepted()).isFalse();
    assertThat(decision.environment()).isEqualTo("production");
    assertThat(decision.refusal()).contains("separation of duties").contains("alice");
    assertThat(selfish.approversOf("production")).isEmpty();
  }

  @Test
  void anUnknownApproverIsRefusedWithTheAllowedList() {
    book.open("production");
    ApprovalBook.Decision decision = book.consider(new ApprovalSignal("mallory", null));

    assertThat(decision.accepted()).isFalse();
    assertThat(decision.refusal()).contains("unknown approver 'mallory'").contains("alice, bob, carol");
    assertThat(book.approversOf("production")).isEmpty();
  }

  @Test
  void approversAreMatchedExactlyAfterTrimming() {
    book.open("production");
    assertThat(book.consider(new ApprovalSignal("  bob \n", null)).accepted()).isTrue();
    assertThat(book.approversOf("production")).containsExactly("bob");
    assertThat(book.consider(new ApprovalSignal("Carol", null)).accepted())
        .as("names are case-sensitive").isFalse();
  }

  @Test
  void malformedSignalsAreRefusedWithAHint() {
    book.open("production");
    ApprovalBook.Decision empty = book.consider(null);
    ApprovalBook.Decision noApprover = book.consider(new ApprovalSignal(null, "LGTM"));
    ApprovalBook.Decision blank = book.consider(new ApprovalSignal("   ", "LGTM"));

    assertThat(List.of(empty, noApprover, blank)).allSatisfy(d -> {
      assertThat(d.accepted()).isFalse();
      assertThat(d.refusal()).contains("\"approver\"");
    });
    assertThat(noApprover.refusal()).contains("'approver' is missing or blank");
    assertThat(book.approversOf("production")).isEmpty();
  }

  @Test
  void anApprovalBeforeAnyGateOpensIsKeptForTheNextGate() {
    ApprovalBook.Decision early = book.consider(new ApprovalSignal("bob", "pre-approved"));

    assertThat(early.accepted()).isTrue();
    assertThat(early.environment()).isEqualTo("staging");
    assertThat(book.satisfied(staging)).isTrue();
  }

  @Test
  void aPassedGateRefusesLateApprovalsAndTheNextGateReceivesUnaddressedOnes() {
    book.open("staging");
    book.consider(new ApprovalSignal("alice", null));
    book.pass("staging");

    ApprovalBook.Decision late = book.consider(new ApprovalSignal("bob", null, "staging"));
    assertThat(late.accepted()).isFalse();
    assertThat(late.refusal()).contains("already passed");
    assertThat(book.approversOf("staging")).containsExactly("alice");

    ApprovalBook.Decision next = book.consider(new ApprovalSignal("bob", null));
    assertThat(next.accepted()).isTrue();
    assertThat(next.environment()).isEqualTo("production");
  }

  @Test
  void anExplicitEnvironmentWinsOverTheOpenGate() {
    book.open("staging");
    ApprovalBook.Decision decision = book.consider(new ApprovalSignal("carol", null, " production "));

    assertThat(decision.accepted()).isTrue();
    assertThat(decision.environment()).isEqualTo("production");
    assertThat(book.approversOf("staging")).isEmpty();
    assertThat(book.approversOf("production")).containsExactly("carol");
  }

  @Test
  void anEnvironmentWithoutAGateIsRefusedNamingTheGates() {
    ApprovalBook.Decision dev = book.consider(new ApprovalSignal("alice", null, "dev"));
    ApprovalBook.Decision unknown = book.consider(new ApprovalSignal("alice", null, "qa"));

    assertThat(dev.accepted()).isFalse();
    assertThat(dev.environment()).isEqualTo("dev");
    assertThat(dev.refusal()).contains("'dev' has no approval gate").contains("staging, production");
    assertThat(unknown.accepted()).isFalse();
    assertThat(unknown.refusal()).contains("'qa' has no approval gate");
  }

  @Test
  void withEveryGatePassedNothingIsLeftToApprove() {
    book.pass("staging");
    book.pass("production");
    ApprovalBook.Decision decision = book.consider(new ApprovalSignal("alice", null));

    assertThat(decision.accepted()).isFalse();
    assertThat(decision.environment()).isNull();
    assertThat(decision.refusal()).contains("no approval gate is open or ahead");

    ApprovalBook noGates = new ApprovalBook(new ReleaseRequest("a", "1", ArtifactRef.file("/a", "d"),
        List.of(env("dev", ApprovalPolicy.none())), "dana", "test"));
    assertThat(noGates.consider(new ApprovalSignal("alice", null)).refusal())
        .contains("no approval gate is open or ahead");
  }
}
