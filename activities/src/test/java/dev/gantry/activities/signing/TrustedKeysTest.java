package dev.gantry.activities.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.signing.SignatureRejected.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedKeysTest {
  private static final Instant JAN_2026 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant JAN_2027 = Instant.parse("2027-01-01T00:00:00Z");
  private static final Instant JUNE_2026 = Instant.parse("2026-06-01T00:00:00Z");

  @TempDir Path dir;
  private final PublicKey release2026 = KeyFiles.generate().getPublic();
  private final PublicKey release2027 = KeyFiles.generate().getPublic();

  @Test
  void trustsAKeyOnlyInsideItsWindow() {
    TrustedKeys trusted = TrustedKeys.empty();
    TrustedKey key = trusted.add("release-2026", release2026, JAN_2026, JAN_2027);

    assertThat(trusted.requireTrustedAt(key.id(), JAN_2026)).isEqualTo(key);
    assertThat(trusted.requireTrustedAt(key.id(), JAN_2027.minusSeconds(1))).isEqualTo(key);
    assertRejected(trusted, key.id(), JAN_2026.minusSeconds(1), Reason.KEY_NOT_VALID_AT_SIGNING_TIME)
        .hasMessageContaining("release-2026").hasMessageContaining("2026-01-01T00:00:00Z")
        .hasMessageContaining("2027-01-01T00:00:00Z").hasMessageContaining("2025-12-31T23:59:59Z");
    assertRejected(trusted, key.id(), JAN_2027, Reason.KEY_NOT_VALID_AT_SIGNING_TIME);
  }

  @Test
  void unknownKeysAreRejectedNamingWhatIsTrusted() {
    TrustedKeys trusted = TrustedKeys.empty();
    trusted.add("release-2026", release2026, JAN_2026, null);

    assertRejected(trusted, KeyIds.of(release2027), JUNE_2026, Reason.UNKNOWN_KEY)
        .hasMessageContaining(KeyIds.of(release2027)).hasMessageContaining("release-2026");
  }

  @Test
  void rotationLetsTheOldKeyOverlapTheNewOneThenEnds() {
    TrustedKeys trusted = TrustedKeys.empty();
    TrustedKey old = trusted.add("release-2026", release2026, JAN_2026, null);

    TrustedKey rotated = trusted.rotate("release-2027", release2027, JUNE_2026, Duration.ofDays(7));

    assertThat(trusted.find(old.id()).orElseThrow().notAfter()).isEqualTo(JUNE_2026.plus(Duration.ofDays(7)));
    assertThat(rotated.notBefore()).isEqualTo(JUNE_2026);
    assertThat(rotated.notAfter()).isNull();
    Instant duringOverlap = JUNE_2026.plus(Duration.ofDays(3));
    assertThat(trusted.requireTrustedAt(old.id(), duringOverlap).name()).isEqualTo("release-2026");
    assertThat(trusted.requireTrustedAt(rotated.id(), duringOverlap).name()).isEqualTo("release-2027");
    assertRejected(trusted, old.id(), JUNE_2026.plus(Duration.ofDays(8)), Reason.KEY_NOT_VALID_AT_SIGNING_TIME);
    assertRejected(trusted, rotated.id(), JUNE_2026.minusSeconds(1), Reason.KEY_NOT_VALID_AT_SIGNING_TIME);
  }

  @Test
  void rotationNeverExtendsAKeyThatEndsSooner() {
    TrustedKeys trusted = TrustedKeys.empty();
    Instant soon = JUNE_2026.plus(Duration.ofDays(1));
    TrustedKey old = trusted.add("release-2026", release2026, JAN_2026, soon);

    trusted.rotate("release-2027", release2027, JUNE_2026, Duration.ofDays(30));

    assertThat(trusted.find(old.id()).orElseThrow().notAfter()).isEqualTo(soon);
  }

  @Test
  void aRevokedKeyIsRefusedWhateverTheSigningTime() {
    TrustedKeys trusted = TrustedKeys.empty();
    TrustedKey key = trusted.add("release-2026", release2026, JAN_2026, null);

    trusted.revoke(key.id(), "laptop lost", JUNE_2026);

    // Signed before the revocation date, inside the window: still refused (fail closed; the date is a guess).
    assertRejected(trusted, key.id(), JAN_2026.plus(Duration.ofDays(1)), Reason.KEY_REVOKED)
        .hasMessageContaining("laptop lost").hasMessageContaining("release-2026")
        .hasMessageContaining("2026-06-01T00:00:00Z");
  }

  @Test
  void refusesADuplicateKeyAndUnknownRevocations() {
    TrustedKeys trusted = TrustedKeys.empty();
    trusted.add("release-2026", release2026, JAN_2026, null);

    assertThatThrownBy(() -> trusted.add("again", release2026, JUNE_2026, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already trusted as 'release-2026'");
    assertThatThrownBy(() -> trusted.rotate("again", release2026, JUNE_2026, Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(trusted.keys()).singleElement().extracting(TrustedKey::notAfter).isNull();
    assertThatThrownBy(() -> trusted.revoke(KeyIds.of(release2027), "lost", JUNE_2026))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not in the trusted keys");
  }

  @Test
  void yamlRoundTripKeepsEveryField() throws Exception {
    TrustedKeys trusted = TrustedKeys.empty();
    TrustedKey old = trusted.add("release-2026", release2026, JAN_2026, null);
    trusted.rotate("release-2027", release2027, JUNE_2026, Duration.ofDays(7));
    trusted.revoke(old.id(), "laptop lost", JUNE_2026.plusSeconds(60));
    Path file = dir.resolve("trusted-keys.yaml");

    trusted.save(file);
    TrustedKeys reloaded = TrustedKeys.load(file);

    assertThat(reloaded.keys()).isEqualTo(trusted.keys());
    assertThat(reloaded.find(old.id()).orElseThrow().publicKey()).isEqualTo(release2026);
    String yaml = Files.readString(file);
    assertThat(yaml).contains("publicKey: |\n").contains("notBefore: 2026-01-01T00:00:00Z")
        .contains("reason: laptop lost");
  }

  @Test
  void readsTheDocumentedFormat() throws Exception {
    String pem = KeyFiles.publicKeyPem(release2026).indent(6);
    Path file = Files.writeString(dir.resolve("trusted-keys.yaml"), """
        keys:
          - id: %s
            name: release-2026
            publicKey: |
        %s    notBefore: 2026-01-01T00:00:00Z
            notAfter: 2027-01-01T00:00:00Z
            revoked: {at: 2026-06-01T00:00:00Z, reason: "laptop lost"}
        """.formatted(KeyIds.of(release2026), pem));

    TrustedKey key = TrustedKeys.load(file).keys().get(0);

    assertThat(key).isEqualTo(new TrustedKey(KeyIds.of(release2026), "release-2026",
        KeyFiles.publicKeyPem(release2026), JAN_2026, JAN_2027, JUNE_2026, "laptop lost"));
  }

  @Test
  void aMissingFileIsAnEmptyKeyring() {
    assertThat(TrustedKeys.load(dir.resolve("absent.yaml")).keys()).isEmpty();
  }

  @Test
  void malformedFilesNameTheField() throws Exception {
    String pem = KeyFiles.publicKeyPem(release2026).indent(6);
    Path badDate = Files.writeString(dir.resolve("bad-date.yaml"), """
        keys:
          - name: release-2026
            publicKey: |
        %s    notBefore: 2026-13-01
        """.formatted(pem));
    Path typo = Files.writeString(dir.resolve("typo.yaml"), """
        keys:
          - name: release-2026
            publicKey: |
        %s    notBefore: 2026-01-01T00:00:00Z
            notafter: 2027-01-01T00:00:00Z
        """.formatted(pem));
    Path wrongId = Files.writeString(dir.resolve("wrong-id.yaml"), """
        keys:
          - id: %s
            publicKey: |
        %s    notBefore: 2026-01-01T00:00:00Z
        """.formatted(KeyIds.of(release2027), pem));
    Path notAKey = Files.writeString(dir.resolve("not-a-key.yaml"), """
        keys:
          - publicKey: hello
            notBefore: 2026-01-01T00:00:00Z
        """);

    Path brokenYaml = Files.writeString(dir.resolve("broken.yaml"), "keys:\n  - name: [unclosed\n");

    assertThatThrownBy(() -> TrustedKeys.load(badDate)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("bad-date.yaml").hasMessageContaining("keys[0].notBefore at line 8")
        .hasMessageContaining("expected a timestamp like 2026-01-01T00:00:00Z");
    assertThatThrownBy(() -> TrustedKeys.load(brokenYaml)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("broken.yaml").hasMessageContaining("line");
    assertThatThrownBy(() -> TrustedKeys.load(typo)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("unknown field in keys[0]").hasMessageContaining("notAfter")
        .as("the unknown field is the file's own word: not quoted").hasMessageNotContaining("notafter");
    assertThatThrownBy(() -> TrustedKeys.load(wrongId)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("keys[0]").hasMessageContaining("is not the id of its publicKey");
    assertThatThrownBy(() -> TrustedKeys.load(notAKey)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("keys[0].publicKey").hasMessageContaining("no PEM block");
  }

  /** The attack: a trusted keys path pointed at a file of secrets, and the YAML error quoted its first line. */
  @Test
  void aTrustedKeysPathToAFileOfSecretsIsRefusedWithoutQuotingIt() throws IOException {
    Path shadow = Files.writeString(dir.resolve("shadow"), "root:$6$SECRETHASH:19000:0:99999:7:::\n");
    Path env = Files.writeString(dir.resolve("worker.env"), "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n");
    Path yaml = Files.writeString(dir.resolve("secret.yaml"), "keys:\n  - token: wJalrXUtnFEMI\n");
    Path huge = dir.resolve("huge.yaml");
    try (var file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(TrustedKeys.MAX_FILE_BYTES + 1);
    }

    for (Path file : List.of(shadow, env, yaml, huge)) {
      assertThatThrownBy(() -> TrustedKeys.load(file)).as(file.toString()).isInstanceOf(KeyFileException.class)
          .hasMessageContaining(file.toString()).hasMessageNotContaining("SECRETHASH")
          .hasMessageNotContaining("wJalrXUtnFEMI").hasMessageNotContaining("token").hasNoCause();
    }
    assertThatThrownBy(() -> TrustedKeys.load(huge)).hasMessageContaining("is larger than 1 MiB");
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertRejected(
      TrustedKeys trusted, String keyId, Instant signedAt, Reason reason) {
    return assertThatThrownBy(() -> trusted.requireTrustedAt(keyId, signedAt))
        .isInstanceOfSatisfying(SignatureRejected.class, e -> assertThat(e.reason()).isEqualTo(reason))
        .hasMessageContaining(keyId);
  }
}
