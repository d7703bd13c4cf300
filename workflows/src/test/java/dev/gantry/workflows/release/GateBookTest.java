package dev.gantry.workflows.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.ApprovalTokens;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import dev.gantry.workflows.support.Releases;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateBookTest {
  private static final String DIGEST = Releases.DIGEST;
  private static final long NOW = 1_800_000_000_000L;
  private static final long HOUR = 3_600_000L;

  private final ApprovalPolicy quorum = new ApprovalPolicy(true, List.of("carol"), 2, 72,
      List.of("release-managers", "senior-engineers"), 24, null, null, false, null);
  private final ApproverDirectory directory = new ApproverDirectory("approvers.yaml", Map.of(
      "alice", new Approver("alice", List.of("release-managers"), null),
      "bob", new Approver("bob", List.of("senior-engineers"), null),
      "quinn", new Approver("quinn", List.of("qa"), null),
      "erin", new Approver("erin", List.of("emergency-approvers"), null),
      "dana", new Approver("dana", List.of("release-managers"), null)));

  private GateBook openBook(ApprovalPolicy policy) {
    GateBook book = new GateBook(request(policy));
    book.directory(directory);
    book.at("production");
    book.open("production");
    return book;
  }

  @Test
  void groupMembersAndNamedApproversCountOnceEachUntilQuorum() {
    GateBook book = openBook(quorum);
    EnvironmentPlan production = request(quorum).environments().get(2);
    assertThat(book.approve(ApprovalSignal.of("alice", DIGEST, "ok"), NOW).accepted()).isTrue();
    assertThat(book.satisfied(production, NOW)).isFalse();
    GateBook.Decision twice = book.approve(ApprovalSignal.of("alice", DIGEST, "again"), NOW);
    assertThat(twice.refusal()).contains("already approved").contains("counts once");
    assertThat(book.satisfied(production, NOW)).isFalse();
    assertThat(book.approve(ApprovalSignal.of("carol", DIGEST, null), NOW).accepted()).isTrue();
    assertThat(book.satisfied(production, NOW)).isTrue();
  }

  @Test
  void selfApprovalIsRefusedEvenForAGroupMember() {
    assertThat(openBook(quorum).approve(ApprovalSignal.of("dana", DIGEST, null), NOW).refusal())
        .contains("separation of duties").contains("dana requested this release");
  }

  @Test
  void peopleOutsideTheAllowedGroupsAndStrangersAreRefused() {
    GateBook book = openBook(quorum);
    assertThat(book.approve(ApprovalSignal.of("quinn", DIGEST, null), NOW).refusal())
        .contains("quinn is not allowed to approve production")
        .contains("carol or members of release-managers, senior-engineers").contains("quinn is in qa");
    assertThat(book.approve(ApprovalSignal.of("mallory", DIGEST, null), NOW).refusal())
        .contains("unknown approver 'mallory'");
  }

  @Test
  void anApprovalNamesTheArtifactItApproves() {
    GateBook book = openBook(quorum);
    assertThat(book.approve(ApprovalSignal.of("alice", null, null), NOW).refusal())
        .contains("field 'digest' is missing").contains(DIGEST);
    String other = "sha256:" + "0".repeat(64);
    assertThat(book.approve(ApprovalSignal.of("alice", other, null), NOW).refusal())
        .contains("the approval is for artifact " + other).contains("this release deploys " + DIGEST);
    assertThat(book.approve(new ApprovalSignal("alice", null, null, DIGEST, "9.9.9", null, null), NOW)
        .refusal()).contains("version 9.9.9");
    // the bare hex of the right digest is the same artifact
    assertThat(book.approve(ApprovalSignal.of("alice", DIGEST.substring(7), null), NOW).accepted()).isTrue();
  }

  @Test
  void approvalsAreTakenOnlyAtTheOpenGate() {
    GateBook book = new GateBook(request(quorum));
    book.directory(directory);
    assertThat(book.approve(ApprovalSignal.of("alice", DIGEST, null), NOW).refusal())
        .contains("no approval gate is open now");
    assertThat(book.approve(new ApprovalSignal("alice", null, "production", DIGEST), NOW).refusal())
        .contains("is not open yet");
    assertThat(book.approve(new ApprovalSignal("alice", null, "dev", DIGEST), NOW).refusal())
        .contains("'dev' has no approval gate");
    book.open("production");
    book.pass("production");
    assertThat(book.approve(new ApprovalSignal("alice", null, "production", DIGEST), NOW).refusal())
        .contains("has already passed");
  }

  @Test
  void approvalsExpire() {
    GateBook book = openBook(quorum);
    EnvironmentPlan production = request(quorum).environments().get(2);
    book.approve(ApprovalSignal.of("alice", DIGEST, null), NOW);
    assertThat(book.nextExpiry(production, NOW)).isEqualTo(NOW + 24 * HOUR);
    book.approve(ApprovalSignal.of("bob", DIGEST, null), NOW + 25 * HOUR);
    assertThat(book.validApprovers("production", NOW + 25 * HOUR)).containsExactly("bob");
    assertThat(book.satisfied(production, NOW + 25 * HOUR)).isFalse();
    // alice's approval expired, so she may approve again and it counts
    assertThat(book.approve(ApprovalSignal.of("alice", DIGEST, null), NOW + 25 * HOUR).accepted()).isTrue();
    assertThat(book.satisfied(production, NOW + 25 * HOUR)).isTrue();
  }

  @Test
  void anAuthorizedRejectionIsRecordedAndAnUnauthorizedOneIsRefused() {
    GateBook book = openBook(quorum);
    assertThat(book.reject(new RejectionSignal("quinn", "no"), NOW).refusal()).contains("not allowed");
    assertThat(book.reject(new RejectionSignal("bob", " "), NOW).refusal()).contains("field 'reason'");
    assertThat(book.rejection("production")).isEmpty();
    assertThat(book.reject(new RejectionSignal("bob", "error budget exhausted"), NOW).accepted()).isTrue();
    assertThat(book.rejection("production")).contains("rejected by bob: error budget exhausted");
  }

  @Test
  void overridesNeedAnEmergencyApproverAJustificationAndAnIncident() {
    GateBook book = openBook(quorum);
    assertThat(book.override(new OverrideSignal("erin", "window", "", "INC-1")).refusal())
        .contains("field 'justification' is required");
    assertThat(book.override(new OverrideSignal("erin", "window", "customer outage fix", null)).refusal())
        .contains("field 'incident' is required");
    assertThat(book.override(new OverrideSignal("alice", "window", "customer outage fix", "INC-1")).refusal())
        .contains("only members of emergency-approvers");
    assertThat(book.override(new OverrideSignal("erin", "signature", "customer outage fix", "INC-1"))
        .refusal()).contains("can never be overridden");
    assertThat(book.override(new OverrideSignal("erin", "approval", "customer outage fix", "INC-1"))
        .refusal()).contains("can never be overridden");
    assertThat(book.overridden("production", "window")).isFalse();
    GateBook.Decision accepted = book.override(new OverrideSignal("erin", "window", "customer outage fix",
        "INC-1"));
    assertThat(accepted.accepted()).isTrue();
    assertThat(accepted.environment()).isEqualTo("production");
    assertThat(book.overridden("production", "window")).isTrue();
    assertThat(book.override(new OverrideSignal("erin", "window", "customer outage fix", "INC-1")).refusal())
        .contains("already overridden");
  }

  @Test
  void theRequesterCannotOverrideNorCanGatesBehindTheReleaseBe() {
    GateBook book = openBook(quorum);
    ApproverDirectory withDanaEmergency = new ApproverDirectory("approvers.yaml", Map.of(
        "dana", new Approver("dana", List.of("emergency-approvers"), null),
        "erin", new Approver("erin", List.of("emergency-approvers"), null)));
    book.directory(withDanaEmergency);
    assertThat(book.override(new OverrideSignal("dana", "window", "my own release, my call", "INC-1")).refusal())
        .contains("separation of duties");
    assertThat(book.override(new OverrideSignal("erin", "quality", "late, but still", "INC-1", "dev", null))
        .refusal()).contains("dev is already past its gates");
  }

  @Test
  void malformedMessagesAreRefusedWithWhatWasWrong() {
    GateBook book = openBook(quorum);
    ApprovalSignal malformed = new ApprovalSignal(null, null, null, null, null, null, "got a string");
    assertThat(book.approve(malformed, NOW).refusal()).contains("malformed approve message: got a string");
    assertThat(book.approve(null, NOW).accepted()).isFalse();
    assertThat(book.reject(null, NOW).accepted()).isFalse();
    assertThat(book.override(null).accepted()).isFalse();
  }

  @Test
  void signedApprovalsNeedAValidTokenFromTheApproversRegisteredKey() throws Exception {
    KeyPair alice = keyPair();
    KeyPair intruder = keyPair();
    ApprovalPolicy signed = new ApprovalPolicy(true, List.of(), 1, 72, List.of("release-managers"),
        null, null, null, true, null);
    GateBook book = new GateBook(request(signed));
    book.directory(new ApproverDirectory("approvers.yaml",
        Map.of("alice", new Approver("alice", List.of("release-managers"), pem(alice)))));
    book.at("production");
    book.open("production");
    String releaseId = Releases.example().releaseId();
    long nowSeconds = NOW / 1000;
    ApprovalTokens.Claims claims = new ApprovalTokens.Claims(releaseId, "production", DIGEST, "alice",
        ApprovalTokens.APPROVE, nowSeconds, nowSeconds + 3600);

    ApprovalSignal unsigned = ApprovalSignal.of("alice", DIGEST, null);
    assertThat(book.checkApproval(unsigned, NOW).refusal()).contains("requires signed approvals");
    assertThat(book.checkApproval(unsigned.withToken(ApprovalTokens.mint(claims, intruder.getPrivate())), NOW)
        .refusal()).contains("does not verify with alice's registered key");
    ApprovalTokens.Claims otherDigest = new ApprovalTokens.Claims(releaseId, "production",
        "sha256:" + "1".repeat(64), "alice", ApprovalTokens.APPROVE, nowSeconds, nowSeconds + 3600);
    assertThat(book.checkApproval(unsigned.withToken(ApprovalTokens.mint(otherDigest, alice.getPrivate())),
        NOW).refusal()).contains("the token is for digest");
    ApprovalTokens.Claims rejectClaims = new ApprovalTokens.Claims(releaseId, "production", DIGEST, "alice",
        ApprovalTokens.REJECT, nowSeconds, nowSeconds + 3600);
    assertThat(book.checkApproval(unsigned.withToken(ApprovalTokens.mint(rejectClaims, alice.getPrivate())),
        NOW).refusal()).contains("decision");
    assertThat(book.checkApproval(unsigned.withToken(ApprovalTokens.mint(claims, alice.getPrivate())),
        NOW + 2 * HOUR).refusal()).contains("expired");
    assertThat(book.checkApproval(unsigned.withToken("garbage"), NOW).refusal()).contains("<claims>.<signature>");
    assertThat(book.approve(unsigned.withToken(ApprovalTokens.mint(claims, alice.getPrivate())), NOW)
        .accepted()).isTrue();
  }

  @Test
  void checkingDoesNotRecord() {
    GateBook book = openBook(quorum);
    assertThat(book.checkApproval(ApprovalSignal.of("alice", DIGEST, null), NOW).accepted()).isTrue();
    assertThat(book.validApprovers("production", NOW)).isEmpty();
    assertThat(book.checkRejection(new RejectionSignal("bob", "no"), NOW).accepted()).isTrue();
    assertThat(book.rejection("production")).isEmpty();
    assertThat(book.checkOverride(new OverrideSignal("erin", "cab", "board is offline today", "INC-2"))
        .accepted()).isTrue();
    assertThat(book.overridden("production", "cab")).isFalse();
  }

  @Test
  void messagesOutOfBoundsAreRefusedBeforeAnyRuleIsAsked() {
    GateBook book = openBook(quorum);
    String megabyte = "c".repeat(1 << 20);
    assertThat(book.approve(ApprovalSignal.of("alice", DIGEST, megabyte), NOW).refusal())
        .startsWith("approve message refused: 1048652 characters, at most 8192 are taken");
    assertThat(book.approve(ApprovalSignal.of("alice\u0000", DIGEST, null), NOW).refusal())
        .startsWith("approve message refused: field 'approver' must be a name like alice").endsWith("got 'alice?'");
    assertThat(book.reject(new RejectionSignal("bob", "no\nrejected by alice: forged"), NOW).refusal())
        .contains("field 'reason' must be one line of text");
    assertThat(book.override(new OverrideSignal("erin", "window", "customer outage fix", "INC-" + megabyte))
        .refusal()).startsWith("override message refused: 1048609 characters");
    assertThat(book.validApprovers("production", NOW)).isEmpty();
    assertThat(book.rejection("production")).isEmpty();
    assertThat(book.overridden("production", "window")).isFalse();
  }

  @Test
  void releasesStartedBeforeTheBoundsDecideWithoutThemOnReplay() {
    GateBook book = openBook(quorum);
    String longComment = "looks fine ".repeat(200);
    assertThat(book.approve(ApprovalSignal.of("alice", DIGEST, longComment), NOW, false).accepted()).isTrue();
    assertThat(book.approve(ApprovalSignal.of("bob", DIGEST, longComment), NOW, true).refusal())
        .contains("field 'comment' has 2200 characters, at most 1000 are taken");
  }

  @Test
  void aRefusalNamesOnlyEnvironmentsOfTheReleaseAndStaysShort() {
    GateBook book = openBook(quorum);
    GateBook.Decision unknown = book.approve(new ApprovalSignal("alice", null, "qa", DIGEST), NOW);
    assertThat(unknown.environment()).isNull();
    assertThat(unknown.refusal()).contains("field 'environment': 'qa' has no approval gate");
    GateBook.Decision hostile = book.approve(new ApprovalSignal("alice", null, "x".repeat(5_000), DIGEST), NOW,
        false);
    assertThat(hostile.environment()).isNull();
    assertThat(hostile.refusal()).hasSizeLessThan(200).contains("(4936 more characters)");
    assertThat(new GateBook.Decision("production", "why ".repeat(1_000)).refusal())
        .hasSizeLessThanOrEqualTo(GateBook.REFUSAL_CHARS).endsWith("more characters)");
    assertThat(book.override(new OverrideSignal("erin", "win\u001b[2Jdow", "customer outage fix", "INC-1"), false)
        .refusal()).contains("(got 'win?[2Jdow')");
  }

  private static ReleaseRequest request(ApprovalPolicy productionPolicy) {
    ReleaseRequest example = Releases.example();
    List<EnvironmentPlan> environments = new ArrayList<>(example.environments());
    EnvironmentPlan production = environments.get(2);
    environments.set(2, production.toBuilder()
        .approval(productionPolicy)
        .build());
    return new ReleaseRequest(example.application(), example.version(), example.artifact(), environments,
        example.requestedBy(), example.specSource(), "approvers.yaml");
  }

  static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static String pem(KeyPair pair) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
