package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.SignatureRejected.Reason;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate's judgement over real signatures on disk: every way to get it wrong has its own reason. */
class ArtifactVerifierTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final String SLSA = InTotoStatements.SLSA_PROVENANCE_V1;

  @TempDir Path dir;
  private final LocalKeySigner key = TestKeys.newSigner();
  private Path artifact;
  private ArtifactRef ref;
  private ArtifactSigner signer;
  private Path trustedKeysFile;
  private TrustedKeys trusted;

  @BeforeEach
  void signTheArtifact() throws Exception {
    artifact = Files.writeString(dir.resolve("app.tar.gz"), "release bytes");
    ref = ArtifactRef.file(artifact.toString(), Digests.sha256(artifact));
    signer = new ArtifactSigner(new SignatureStore(dir.resolve("store")));
    trustedKeysFile = dir.resolve("trusted-keys.yaml");
    trusted = TrustedKeys.empty();
    trusted.add("release-2026", key.publicKey(), NOW.minus(Duration.ofDays(30)), null);
    trusted.save(trustedKeysFile);
  }

  @Test
  void aSignedAndAttestedArtifactPassesAndTheReportNamesTheKey() {
    List<SignatureRef> made = signAndAttest(key, NOW.minus(Duration.ofHours(2)));

    ArtifactVerifier.Verified verified = new ArtifactVerifier().verify(ref, made, policy(List.of(SLSA), 24), NOW);

    assertThat(verified.keyId()).isEqualTo(key.keyId());
    assertThat(verified.predicateTypes()).containsExactly(SLSA);
    assertThat(verified.signedAt()).isEqualTo(NOW.minus(Duration.ofHours(2)));
    assertThat(verified.detail()).contains("trusted key 'release-2026'").contains(ref.digest());
  }

  @Test
  void signaturesNextToTheArtifactAreFoundWithoutTheReleasesList() {
    signAndAttest(key, NOW);
    assertThat(new ArtifactVerifier().verify(ref, List.of(), policy(List.of(SLSA), null), NOW).keyId())
        .isEqualTo(key.keyId());
  }

  @Test
  void signingAgainReturnsTheFirstSignature() throws Exception {
    signAndAttest(key, NOW);
    String first = Files.readString(ArtifactSigner.bundlePath(artifact, null));
    String firstProvenance = Files.readString(ArtifactSigner.bundlePath(artifact, SLSA));
    signAndAttest(key, NOW.plusSeconds(60));
    assertThat(Files.readString(ArtifactSigner.bundlePath(artifact, null))).isEqualTo(first);
    assertThat(Files.readString(ArtifactSigner.bundlePath(artifact, SLSA))).isEqualTo(firstProvenance);
  }

  @Test
  void aFileReplacedBeforeSigningIsRefusedAndNothingIsStoredForItsDigest() throws Exception {
    Files.writeString(artifact, "replaced bytes");
    assertThatThrownBy(() -> signer.sign(ref, key)).isInstanceOfSatisfying(SignatureRejected.class,
        rejected -> assertThat(rejected.reason()).isEqualTo(Reason.ARTIFACT_DIGEST_MISMATCH));
    Files.writeString(artifact, "release bytes");
    List<SignatureRef> made = signAndAttest(key, NOW);
    assertThat(new ArtifactVerifier().verify(ref, made, policy(List.of(SLSA), null), NOW).keyId()).isEqualTo(key.keyId());
  }

  @Test
  void aChangedByteIsRefused() throws Exception {
    List<SignatureRef> made = signAndAttest(key, NOW);
    Files.writeString(artifact, "release bytez");
    assertRejected(made, policy(List.of(), null), Reason.ARTIFACT_DIGEST_MISMATCH, "was changed after the release");
  }

  /** The attack: a wrong digest for a file answered with the file's real digest. */
  @Test
  void aDigestMismatchNamesTheExpectedDigestButNeverTheFilesOwn() throws Exception {
    List<SignatureRef> made = signAndAttest(key, NOW);
    Files.writeString(artifact, "someone else's bytes");
    String actual = Digests.sha256(artifact);

    assertThatThrownBy(() -> new ArtifactVerifier().verify(ref, made, policy(List.of(), null), NOW))
        .isInstanceOf(SignatureRejected.class).hasMessageContaining(ref.digest()).hasMessageNotContaining(actual);
    assertThatThrownBy(() -> signer.sign(ref, TestKeys.newSigner()))
        .isInstanceOf(SignatureRejected.class).hasMessageContaining(ref.digest()).hasMessageNotContaining(actual);
    assertThatThrownBy(() -> signer.sign(ref, key))
        .as("a stored signature is checked against the file too")
        .isInstanceOf(SignatureRejected.class).hasMessageContaining(ref.digest()).hasMessageNotContaining(actual);
  }

  @Test
  void anUntrustedKeyIsRefused() {
    List<SignatureRef> made = signAndAttest(TestKeys.newSigner(), NOW);
    assertRejected(made, policy(List.of(), null), Reason.UNKNOWN_KEY, "not among the 1 candidate keys");
  }

  @Test
  void aRevokedKeyIsRefusedWhateverTheSigningTime() {
    List<SignatureRef> made = signAndAttest(key, NOW.minus(Duration.ofDays(3)));
    trusted.revoke(key.keyId(), "laptop lost", NOW.minus(Duration.ofDays(1)));
    trusted.save(trustedKeysFile);
    assertRejected(made, policy(List.of(SLSA), null), Reason.KEY_REVOKED, "laptop lost");
  }

  @Test
  void aKeyUsedAfterItsValidityIsRefused() {
    List<SignatureRef> made = signAndAttest(key, NOW);
    TrustedKeys expired = TrustedKeys.empty();
    expired.add("release-2025", key.publicKey(), NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35)));
    expired.save(trustedKeysFile);
    assertRejected(made, policy(List.of(SLSA), null), Reason.KEY_NOT_VALID_AT_SIGNING_TIME, "release-2025");
  }

  @Test
  void anAttestationOfAnotherArtifactIsRefused() throws Exception {
    Path other = Files.writeString(dir.resolve("other.tar.gz"), "other bytes");
    ArtifactRef otherRef = ArtifactRef.file(other.toString(), Digests.sha256(other));
    signer.attest(otherRef, SLSA, key, () -> provenance(otherRef, NOW));
    List<SignatureRef> made = List.of(signer.sign(ref, key));
    Files.copy(ArtifactSigner.bundlePath(other, SLSA), ArtifactSigner.bundlePath(artifact, SLSA));
    assertRejected(made, policy(List.of(SLSA), null), Reason.SUBJECT_DIGEST_MISMATCH, "not the artifact's");
  }

  @Test
  void aMissingRequiredAttestationIsRefused() {
    List<SignatureRef> made = signAndAttest(key, NOW);
    assertRejected(made, policy(List.of(InTotoStatements.SPDX_DOCUMENT), null), Reason.PREDICATE_TYPE_MISSING,
        "no https://spdx.dev/Document attestation");
  }

  @Test
  void aTruncatedSignatureAndABundleThatIsNotJsonAreRefused() throws Exception {
    List<SignatureRef> made = signAndAttest(key, NOW);
    Path bundle = ArtifactSigner.bundlePath(artifact, null);
    String json = Files.readString(bundle);
    Files.writeString(bundle, json.substring(0, json.length() / 2));
    assertRejected(made, policy(List.of(), null), Reason.MALFORMED, "not a valid Sigstore bundle");

    Files.writeString(bundle, "this is not json", StandardCharsets.UTF_8);
    assertRejected(made, policy(List.of(), null), Reason.MALFORMED, "not a valid Sigstore bundle");
  }

  @Test
  void anUnsignedArtifactIsRefused() {
    assertRejected(List.of(), policy(List.of(), null), Reason.MISSING, "no signature of app.tar.gz");
  }

  @Test
  void aSignatureOlderThanThePolicyAllowsIsRefused() {
    List<SignatureRef> made = signAndAttest(key, NOW.minus(Duration.ofDays(10)));
    assertRejected(made, policy(List.of(SLSA), 24 * 7), Reason.SIGNATURE_TOO_OLD, "240h ago; the policy allows 168h");
  }

  @Test
  void aRotatedKeyStillVerifiesWhatItsReleaseSignedInsideItsWindow() {
    List<SignatureRef> made = releaseSigns(key, "release/hello-service/1.4.0/run-1", NOW.minus(Duration.ofDays(2)));
    trusted.rotate("release-2027", TestKeys.newSigner().publicKey(), NOW.minus(Duration.ofDays(1)), Duration.ZERO);
    trusted.save(trustedKeysFile);

    ArtifactVerifier.Verified verified = new ArtifactVerifier().verify(ref, made, policy(List.of(SLSA), null), NOW);
    assertThat(verified.keyName()).isEqualTo("release-2026");
    assertThat(verified.signedAt()).isEqualTo(NOW.minus(Duration.ofDays(2)));
    assertThat(verified.detail()).contains("(release time)");
  }

  // --- the signing time is not the signer's word ------------------------------------------------

  /** The finding: a provenance dated 2099 passed `--max-age-hours 1` (its age was negative). */
  @Test
  void aProvenanceDatedInTheFutureIsRefusedWhateverTheAgeLimit() {
    List<SignatureRef> made = signAndAttest(key, Instant.parse("2099-01-01T00:00:00Z"));
    assertRejected(made, policy(List.of(SLSA), 1), Reason.SIGNED_IN_THE_FUTURE, "2099-01-01T00:00:00Z");
    assertRejected(made, policy(List.of(SLSA), null), Reason.SIGNED_IN_THE_FUTURE, "from the future is refused");
  }

  @Test
  void aFewMinutesOfClockSkewAreAllowedButNoMore() throws Exception {
    List<SignatureRef> made = signAndAttest(key, NOW.plus(Duration.ofMinutes(2)));
    assertThat(new ArtifactVerifier().verify(ref, made, policy(List.of(SLSA), 1), NOW).keyId()).isEqualTo(key.keyId());

    Files.delete(ArtifactSigner.bundlePath(artifact, SLSA));
    List<SignatureRef> later = List.of(signer.sign(ref, key), signer.attest(ref, SLSA, key, "other-invocation",
        () -> provenance(ref, NOW.plus(ArtifactVerifier.CLOCK_SKEW).plusSeconds(1))));
    assertRejected(later, policy(List.of(SLSA), null), Reason.SIGNED_IN_THE_FUTURE, "clock skew");
  }

  /**
   * The finding: the rotated-out key (the reason it was rotated: it leaked) signs new bytes with a provenance
   * back-dated into its old window. Signed outside a release there is no time the worker can trust, so the
   * key must be trusted now, and it is not.
   */
  @Test
  void aRotatedOutKeyWithABackDatedProvenanceIsRefused() {
    LocalKeySigner newKey = TestKeys.newSigner();
    trusted.rotate("release-2027", newKey.publicKey(), NOW.minus(Duration.ofDays(1)), Duration.ZERO);
    trusted.save(trustedKeysFile);

    List<SignatureRef> forged = signAndAttest(key, NOW.minus(Duration.ofDays(3)));

    assertRejected(forged, policy(List.of(SLSA), null), Reason.KEY_NOT_VALID_AT_SIGNING_TIME,
        "no signing time this worker can trust");
  }

  /**
   * Inside a release the history says which provenance the release signed, when, and with which key: one
   * swapped in afterwards (the leaked old key, back-dated) is not this release's.
   */
  @Test
  void aBackDatedProvenanceSwappedIntoAReleaseIsNotTheReleases() throws Exception {
    LocalKeySigner newKey = TestKeys.newSigner();
    trusted.rotate("release-2027", newKey.publicKey(), NOW.minus(Duration.ofDays(1)), Duration.ZERO);
    trusted.save(trustedKeysFile);
    List<SignatureRef> made = releaseSigns(newKey, "release/hello-service/1.4.0/run-1", NOW.minus(Duration.ofHours(1)));

    ArtifactSigner attacker = new ArtifactSigner(new SignatureStore(dir.resolve("attacker-store")));
    attacker.sign(ref, key);
    attacker.attest(ref, SLSA, key, () -> provenance(ref, NOW.minus(Duration.ofDays(3))));
    // the attacker also writes over the release's own copy
    Files.copy(ArtifactSigner.bundlePath(artifact, SLSA), Path.of(made.get(1).location()),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertRejected(made, policy(List.of(SLSA), null), Reason.PROVENANCE_NOT_OF_THIS_RELEASE, "not this release");
  }

  @Test
  void aProvenanceWhoseTimeDiffersFromTheReleasesRecordIsRefused() {
    List<SignatureRef> made = releaseSigns(key, "release/hello-service/1.4.0/run-1", NOW.minus(Duration.ofHours(1)));
    SignatureRef provenance = made.get(1);
    List<SignatureRef> lying = List.of(made.get(0), new SignatureRef(provenance.kind(), provenance.predicateType(),
        provenance.keyId(), provenance.location(), provenance.digest(), provenance.invocationId(),
        NOW.minus(Duration.ofHours(5)).toString()));
    assertRejected(lying, policy(List.of(SLSA), null), Reason.PROVENANCE_NOT_OF_THIS_RELEASE, "replaced after signing");
  }

  /** The finding: re-releasing the same bytes reused the previous release's provenance and its time. */
  @Test
  void reReleasingTheSameBytesSignsANewProvenanceNamingTheNewRelease() throws Exception {
    List<SignatureRef> first = releaseSigns(key, "release/hello-service/1.4.0/run-1", NOW.minus(Duration.ofDays(20)));
    String firstProvenance = Files.readString(ArtifactSigner.bundlePath(artifact, SLSA));

    List<SignatureRef> second = releaseSigns(key, "release/hello-service/1.4.1/run-7", NOW.minus(Duration.ofHours(1)));

    assertThat(Files.readString(ArtifactSigner.bundlePath(artifact, SLSA))).isNotEqualTo(firstProvenance);
    ArtifactVerifier.Verified verified = new ArtifactVerifier().verify(ref, second, policy(List.of(SLSA), 24), NOW);
    assertThat(verified.signedAt()).isEqualTo(NOW.minus(Duration.ofHours(1)));
    // Each release verifies its own copy: the first one (running at the same time, say) still verifies as
    // itself, with its own time, never confused with the second.
    assertThat(Path.of(first.get(1).location())).isNotEqualTo(Path.of(second.get(1).location()));
    assertThat(new ArtifactVerifier().verify(ref, first, policy(List.of(SLSA), null), NOW).signedAt())
        .isEqualTo(NOW.minus(Duration.ofDays(20)));
    // A retry of the second release gets its own provenance back, unchanged.
    releaseSigns(key, "release/hello-service/1.4.1/run-7", NOW.minus(Duration.ofHours(1)));
    assertThat(new ArtifactVerifier().verify(ref, second, policy(List.of(SLSA), 24), NOW).signedAt())
        .isEqualTo(NOW.minus(Duration.ofHours(1)));
  }

  // --- revocations are append-only --------------------------------------------------------------

  /** The finding: restoring an old trusted-keys file silently un-revoked a key. */
  @Test
  void anOlderTrustedKeysFileCannotUndoARevocationTheWorkerHasSeen() throws Exception {
    List<SignatureRef> made = releaseSigns(key, "release/hello-service/1.4.0/run-1", NOW.minus(Duration.ofHours(1)));
    ArtifactVerifier worker = new ArtifactVerifier(new RevocationLedger(dir.resolve("ledger.jsonl"),
        java.time.Clock.fixed(NOW, java.time.ZoneOffset.UTC)));
    byte[] beforeRevocation = Files.readAllBytes(trustedKeysFile);
    worker.verify(ref, made, policy(List.of(SLSA), null), NOW);

    TrustedKeys revoking = TrustedKeys.load(trustedKeysFile);
    revoking.revoke(key.keyId(), "laptop lost", NOW.minus(Duration.ofMinutes(30)));
    revoking.save(trustedKeysFile);
    assertThatThrownBy(() -> worker.verify(ref, made, policy(List.of(SLSA), null), NOW))
        .isInstanceOfSatisfying(SignatureRejected.class, r -> assertThat(r.reason()).isEqualTo(Reason.KEY_REVOKED));

    Files.write(trustedKeysFile, beforeRevocation); // git checkout of last month's policy
    assertThatThrownBy(() -> worker.verify(ref, made, policy(List.of(SLSA), null), NOW))
        .isInstanceOfSatisfying(SignatureRejected.class, r -> {
          assertThat(r.reason()).isEqualTo(Reason.TRUSTED_KEYS_ROLLED_BACK);
          assertThat(r.getMessage()).contains("its serial is 1, but this worker already used serial 2")
              .contains("Restore the newest version");
        });

    // Edited by hand to look newer, the revocation dropped: the ledger remembers the revocation itself.
    TrustedKeys unrevoked = TrustedKeys.empty();
    unrevoked.add("release-2026", key.publicKey(), NOW.minus(Duration.ofDays(30)), null);
    unrevoked.save(trustedKeysFile);
    Files.writeString(trustedKeysFile, Files.readString(trustedKeysFile).replaceFirst("serial: \\d+", "serial: 99"));
    assertThat(TrustedKeys.load(trustedKeysFile).serial()).isEqualTo(99);
    assertThatThrownBy(() -> worker.verify(ref, made, policy(List.of(SLSA), null), NOW))
        .isInstanceOfSatisfying(SignatureRejected.class, r -> {
          assertThat(r.reason()).isEqualTo(Reason.TRUSTED_KEYS_ROLLED_BACK);
          assertThat(r.getMessage()).contains("which this worker saw revoked").contains("laptop lost")
              .contains("a revocation cannot be undone");
        });
    assertThat(new RevocationLedger(dir.resolve("ledger.jsonl"), java.time.Clock.systemUTC()).revokedKeys())
        .containsOnlyKeys(key.keyId());
  }

  @Test
  void aNewerFileThatKeepsTheRevocationLoadsAndTheRevokedKeyStaysRefused() {
    List<SignatureRef> made = releaseSigns(key, "release/hello-service/1.4.0/run-1", NOW.minus(Duration.ofHours(1)));
    ArtifactVerifier worker = new ArtifactVerifier(new RevocationLedger(dir.resolve("ledger.jsonl"),
        java.time.Clock.systemUTC()));
    TrustedKeys revoking = TrustedKeys.load(trustedKeysFile);
    revoking.revoke(key.keyId(), "laptop lost", NOW.minus(Duration.ofMinutes(30)));
    LocalKeySigner next = TestKeys.newSigner();
    revoking.add("release-2027", next.publicKey(), NOW.minus(Duration.ofMinutes(30)), null);
    revoking.save(trustedKeysFile);
    assertThatThrownBy(() -> worker.verify(ref, made, policy(List.of(SLSA), null), NOW))
        .isInstanceOfSatisfying(SignatureRejected.class, r -> assertThat(r.reason()).isEqualTo(Reason.KEY_REVOKED));

    TrustedKeys later = TrustedKeys.load(trustedKeysFile);
    later.save(trustedKeysFile);
    List<SignatureRef> again = releaseSigns(next, "release/hello-service/1.4.1/run-1", NOW.minus(Duration.ofMinutes(5)));
    assertThat(worker.verify(ref, again, policy(List.of(SLSA), null), NOW).keyName()).isEqualTo("release-2027");
  }

  // ---------------------------------------------------------------------------------------------

  private List<SignatureRef> signAndAttest(Signer by, Instant signedAt) {
    return List.of(signer.sign(ref, by), signer.attest(ref, SLSA, by, () -> provenance(ref, signedAt)));
  }

  /** As the worker signs for a release: a provenance of its own per invocation, its time recorded with it. */
  private List<SignatureRef> releaseSigns(Signer by, String invocation, Instant signedAt) {
    SignatureRef attested = signer.attestForRelease(ref, SLSA, by, invocation,
        () -> provenance(ref, invocation, signedAt));
    return List.of(signer.sign(ref, by), new SignatureRef(attested.kind(), attested.predicateType(), attested.keyId(),
        attested.location(), attested.digest(), invocation, signedAt.toString()));
  }

  private static byte[] provenance(ArtifactRef artifact, Instant finishedOn) {
    return provenance(artifact, "release/hello-service/1.4.0/run", finishedOn);
  }

  private static byte[] provenance(ArtifactRef artifact, String invocation, Instant finishedOn) {
    return InTotoStatements.slsaProvenance(Path.of(artifact.location()).getFileName().toString(),
        artifact.digest().substring(7), new Provenance("https://gantry.dev/worker/v1", "https://gantry.dev/release/v1",
            Map.of("application", "hello-service"), null, null, invocation,
            finishedOn.minusSeconds(5), finishedOn));
  }

  private VerificationPolicy policy(List<String> required, Integer maxAgeHours) {
    return new VerificationPolicy(true, trustedKeysFile.toString(), required, maxAgeHours);
  }

  private void assertRejected(List<SignatureRef> made, VerificationPolicy policy, Reason reason, String says) {
    assertThatThrownBy(() -> new ArtifactVerifier().verify(ref, made, policy, NOW))
        .isInstanceOfSatisfying(SignatureRejected.class, rejected -> {
          assertThat(rejected.reason()).isEqualTo(reason);
          assertThat(rejected.getMessage()).contains(says);
        });
  }
}
