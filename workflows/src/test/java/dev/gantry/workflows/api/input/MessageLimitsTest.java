package dev.gantry.workflows.api.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.ApprovalSignal;
import dev.gantry.workflows.api.approval.OverrideSignal;
import dev.gantry.workflows.api.approval.RejectionSignal;
import dev.gantry.workflows.api.cab.CabDecisionSignal;
import dev.gantry.workflows.api.release.PauseSignal;
import dev.gantry.workflows.api.window.FreezeSignal;
import org.junit.jupiter.api.Test;

/** The bounds every message to a release is held to, field by field and in total. */
class MessageLimitsTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final String MEGABYTE = "x".repeat(1 << 20);

  @Test
  void ordinaryMessagesFit() {
    assertThat(ApprovalSignal.of("alice", DIGEST, "LGTM, the canary looked fine").outOfBounds()).isNull();
    assertThat(new ApprovalSignal(" alice.smith@example.com ", "ok", "production", DIGEST.substring(7), "1.4.0+b7",
        "eyJhIjoxfQ.MEUCIQ-_x=", null).outOfBounds()).isNull();
    assertThat(new RejectionSignal("bob", "error budget exhausted").outOfBounds()).isNull();
    assertThat(new OverrideSignal("erin", "window", "customer-facing outage — fix now", "INC-4711 / P1")
        .outOfBounds()).isNull();
    assertThat(new PauseSignal("alice", "incident in progress").outOfBounds()).isNull();
    assertThat(new FreezeSignal("production", "2026-12-24T18:00+01:00", "2026-12-26", "holidays", "alice")
        .outOfBounds()).isNull();
    assertThat(new CabDecisionSignal("production", "CHG0030001", "APPROVED", "cab-chair", "weekly CAB")
        .outOfBounds()).isNull();
  }

  @Test
  void blankFieldsAreLeftToTheGatesOwnRules() {
    assertThat(new ApprovalSignal(null, "", " ", null).outOfBounds()).isNull();
    assertThat(new RejectionSignal("", null).outOfBounds()).isNull();
  }

  @Test
  void aPersonIsAShortHandleWithoutSpacesOrControlCharacters() {
    for (String name : new String[] {"alice\nbob", "alice\u0000", "\u001b[31mroot\u001b[0m", "Alice Smith",
        "-alice", "alice\t", "alice\u202e"}) {
      assertThat(ApprovalSignal.of(name, DIGEST, null).outOfBounds()).as(name)
          .startsWith("approve message refused: field 'approver' must be a name like alice");
    }
    assertThat(ApprovalSignal.of("a".repeat(64), DIGEST, null).outOfBounds()).isNull();
    assertThat(ApprovalSignal.of("a".repeat(65), DIGEST, null).outOfBounds())
        .isEqualTo("approve message refused: field 'approver' has 65 characters, at most 64 are taken");
  }

  @Test
  void aRefusalShowsAHostileValueCutAndPrintable() {
    String refusal = ApprovalSignal.of("\u001b[2J\n12:00:00  production   approval by alice accepted", DIGEST,
        null).outOfBounds();
    assertThat(refusal).hasSizeLessThan(300).doesNotContain("\n").doesNotContain("\u001b")
        .endsWith("got '?[2J?12:00:00  production   approval by alice accepted'");
    // too long to be a name: the refusal says how long, and quotes none of it
    assertThat(ApprovalSignal.of("y".repeat(5_000), DIGEST, null).outOfBounds())
        .isEqualTo("approve message refused: field 'approver' has 5000 characters, at most 64 are taken");
  }

  @Test
  void freeTextIsOneLineOfAtMostAThousandCharacters() {
    assertThat(ApprovalSignal.of("alice", DIGEST, "c".repeat(MessageLimits.TEXT)).outOfBounds()).isNull();
    assertThat(ApprovalSignal.of("alice", DIGEST, "c".repeat(MessageLimits.TEXT + 1)).outOfBounds())
        .isEqualTo("approve message refused: field 'comment' has 1001 characters, at most 1000 are taken");
    assertThat(ApprovalSignal.of("alice", DIGEST, "line one\nline two").outOfBounds())
        .contains("field 'comment' must be one line of text");
    assertThat(new RejectionSignal("bob", "red \u001b[31malert").outOfBounds()).contains("field 'reason'");
    assertThat(new PauseSignal("alice", "bidi \u202e override").outOfBounds()).contains("field 'reason'");
    assertThat(new OverrideSignal("erin", "window", "emoji are fine \uD83D\uDE80 here", "INC-1").outOfBounds())
        .isNull();
    assertThat(new OverrideSignal("erin", "window", "a lone surrogate \uD83D here", "INC-1").outOfBounds())
        .contains("field 'justification'");
  }

  @Test
  void referencesDigestsAndTokensAreShort() {
    assertThat(new OverrideSignal("erin", "window", "customer outage fix", "INC-" + "1".repeat(61)).outOfBounds())
        .contains("field 'incident' has 65 characters, at most 64 are taken");
    assertThat(new OverrideSignal("erin", "window", "customer outage fix", "INC\n1").outOfBounds())
        .contains("field 'incident' must be a short reference");
    assertThat(ApprovalSignal.of("alice", "sha256:" + "0".repeat(100), null).outOfBounds())
        .contains("field 'digest' has 107 characters, at most 80 are taken");
    assertThat(ApprovalSignal.of("alice", "sha256:not hex", null).outOfBounds()).contains("field 'digest' must be");
    assertThat(ApprovalSignal.of("alice", DIGEST, null).withToken("t".repeat(MessageLimits.TOKEN + 1))
        .outOfBounds()).contains("field 'token' has 4097 characters");
    assertThat(ApprovalSignal.of("alice", DIGEST, null).withToken("claims.sig\"nature").outOfBounds())
        .contains("field 'token' must be a token");
    assertThat(new FreezeSignal("production", "2026-12-24" + " ".repeat(100), "2026-12-26", null, null)
        .outOfBounds()).isNull(); // spaces around a value are not part of it
    assertThat(new CabDecisionSignal("production", "CHG-" + MEGABYTE, "APPROVED", "cab", null).outOfBounds())
        .startsWith("cabDecision message refused: " + (10 + 4 + MEGABYTE.length() + 8 + 3) + " characters");
  }

  @Test
  void theWholeMessageIsBoundedAndTheLargestFieldNamed() {
    String refusal = new ApprovalSignal("mallory", MEGABYTE, null, DIGEST).outOfBounds();
    assertThat(refusal).isEqualTo("approve message refused: " + (7 + MEGABYTE.length() + DIGEST.length())
        + " characters, at most 8192 are taken (field 'comment' has 1048576)");
  }

  @Test
  void environmentsAndVersionsHaveTheirNameShapes() {
    assertThat(new ApprovalSignal("alice", null, "Production", DIGEST).outOfBounds())
        .contains("field 'environment' must be a name like production");
    assertThat(new ApprovalSignal("alice", null, null, DIGEST, "../1.0", null, null).outOfBounds())
        .contains("field 'version' must be a version");
  }

  @Test
  void cutKeepsTextOnOneLineAndSaysHowMuchWasLeftOut() {
    assertThat(MessageLimits.cut(null, 10)).isNull();
    assertThat(MessageLimits.cut("short", 10)).isEqualTo("short");
    assertThat(MessageLimits.cut("a\nb\tc\u001bd\u2028e", 100)).isEqualTo("a b c?d?e");
    String cut = MessageLimits.cut("x".repeat(200), 100);
    assertThat(cut).hasSize(100).isEqualTo("x".repeat(74) + " ... (126 more characters)");
    assertThat(MessageLimits.cut("x".repeat(1 << 20), 1_000)).hasSizeLessThanOrEqualTo(1_000)
        .endsWith(" more characters)");
    // a character outside the BMP is never split in two
    assertThat(MessageLimits.cut("y".repeat(73) + "\uD83D\uDE80" + "z".repeat(100), 100))
        .isEqualTo("y".repeat(73) + " ... (102 more characters)");
  }

  @Test
  void aShapeAdmitsAValueOnlyWhenItFits() {
    assertThat(MessageLimits.Shape.PERSON.admits(" alice ")).isTrue();
    assertThat(MessageLimits.Shape.PERSON.admits("alice\u0000")).isFalse();
    assertThat(MessageLimits.Shape.PERSON.admits(null)).isFalse();
    assertThat(MessageLimits.Shape.REFERENCE.admits("INC-4711")).isTrue();
    assertThat(MessageLimits.Shape.REFERENCE.admits("x".repeat(65))).isFalse();
  }
}
