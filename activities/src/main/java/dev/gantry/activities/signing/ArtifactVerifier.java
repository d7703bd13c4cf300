package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.SignatureRejected.Reason.ARTIFACT_DIGEST_MISMATCH;
import static dev.gantry.activities.signing.SignatureRejected.Reason.MISSING;
import static dev.gantry.activities.signing.SignatureRejected.Reason.PREDICATE_TYPE_MISSING;
import static dev.gantry.activities.signing.SignatureRejected.Reason.PROVENANCE_NOT_OF_THIS_RELEASE;
import static dev.gantry.activities.signing.SignatureRejected.Reason.SIGNED_IN_THE_FUTURE;
import static dev.gantry.activities.signing.SignatureRejected.Reason.SIGNATURE_TOO_OLD;
import static dev.gantry.activities.signing.SignatureRejected.Reason.UNKNOWN_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.support.BoundedFiles;
import dev.gantry.activities.signing.oci.ImageSignatures;
import dev.gantry.activities.signing.oci.OciRegistryClient;
import dev.gantry.workflows.api.artifact.ArtifactRef;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.signing.SignatureRef;
import dev.gantry.workflows.api.signing.VerificationPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verification gate's judgement, shared by the release workflow's activity and
 * {@code gantry artifact verify}: the artifact is the one the release is for, it carries a signature and
 * every required attestation by keys in the trusted keys file, none of them revoked or used outside its
 * validity period, and (if the policy says so) signed recently enough. Anything else is a
 * {@link SignatureRejected} naming what did not match.
 */
public final class ArtifactVerifier {
  static final long MAX_BUNDLE_BYTES = 64 * BoundedFiles.MIB;
  /** How far ahead of this worker's clock a signing time may be: clocks differ a little, never by hours. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  /**
   * @param keyId          the key that signed the artifact
   * @param keyName        its name in the trusted keys file
   * @param predicateTypes the required attestations that verified
   * @param signedAt       the signing time the provenance states (signed), or null without provenance
   */
  public record Verified(String keyId, String keyName, List<String> predicateTypes, Instant signedAt, String detail) {}

  private final RevocationLedger ledger;

  /** Without a ledger: for one-off checks by hand ({@code gantry artifact verify}). */
  public ArtifactVerifier() {
    this(null);
  }

  /** The worker's: every trusted keys file is admitted by {@code ledger} before it is used. */
  public ArtifactVerifier(RevocationLedger ledger) {
    this.ledger = ledger;
  }

  public Verified verify(ArtifactRef artifact, List<SignatureRef> signatures, VerificationPolicy policy, Instant now) {
    // With keyless signatures trusted, a trusted keys file is optional: without one, only keyless ones verify.
    TrustedKeys trusted = policy.keyless() != null && policy.trustedKeys() == null ? TrustedKeys.empty()
        : trustedKeys(policy.trustedKeys());
    // Revoked and expired keys stay candidates, so that their signatures are refused for that reason.
    Map<String, PublicKey> candidates = new LinkedHashMap<>();
    trusted.keys().forEach(key -> candidates.put(key.id(), key.publicKey()));
    Map<String, KeylessBundles.Verified> keyless = new LinkedHashMap<>();
    if (candidates.isEmpty() && policy.keyless() == null) {
      throw new SignatureRejected(UNKNOWN_KEY, "the trusted keys file " + policy.trustedKeys() + " lists no key:"
          + " add the release key with `gantry keys import` (or `gantry keys generate --trusted-keys`)");
    }
    List<SignatureRef> made = signatures == null ? List.of() : signatures;
    String signer = artifact.isFile() ? verifyFile(artifact, made, candidates, policy, now, keyless)
        : verifyImage(artifact, candidates);

    Set<String> keyIds = new LinkedHashSet<>(List.of(signer));
    List<String> attested = new ArrayList<>();
    Instant claimed = null;
    Instant trustedTime = null;
    for (String predicateType : policy.requiredPredicateTypesOrEmpty()) {
      SignatureRef releaseMade = predicateType.equals(InTotoStatements.SLSA_PROVENANCE_V1)
          ? releaseProvenance(made) : null;
      String invocation = releaseMade == null ? null : releaseMade.invocationId();
      VerifiedAttestation attestation = artifact.isFile()
          ? verifyFileAttestation(artifact, made, predicateType, candidates, policy, now, keyless)
          : verifyImageAttestation(artifact, predicateType, candidates, invocation);
      keyIds.add(attestation.keyId());
      attested.add(predicateType);
      if (predicateType.equals(InTotoStatements.SLSA_PROVENANCE_V1)) {
        claimed = provenanceTime(attestation.statement());
        if (releaseMade != null) {
          trustedTime = requireThisRelease(attestation, releaseMade, claimed);
        }
      }
    }
    Instant latest = now.plus(CLOCK_SKEW);
    if (claimed != null && claimed.isAfter(latest)) {
      throw new SignatureRejected(SIGNED_IN_THE_FUTURE, "the provenance says it was signed " + claimed
          + ", after now (" + now + ", " + CLOCK_SKEW.toMinutes() + " min of clock skew allowed): a signing time"
          + " from the future is refused; check the signer's and the worker's clocks, then sign again");
    }
    if (trustedTime != null && trustedTime.isAfter(latest)) {
      throw new SignatureRejected(SIGNED_IN_THE_FUTURE, "the release signed at " + trustedTime + " by its"
          + " workflow's clock, after now (" + now + ") on this worker: check the worker's clock");
    }
    // Only a time from the release's own history is trusted. Without one (signed by cosign in CI, or by a
    // release recorded before that time existed), the signer's word cannot move the key's window: the
    // key must be trusted now.
    Instant validAt = trustedTime != null ? trustedTime : now;
    String when = trustedTime != null ? "signed at " + trustedTime + " (the release's time)"
        : "verified at " + now + " (no signing time this worker can trust: the key must be trusted now)";
    TrustedKey key = null;
    for (String keyId : keyIds) {
      if (keyless.containsKey(keyId)) {
        continue; // its certificate, identity and times were checked against the trusted root and policy
      }
      TrustedKey checked = trusted.requireTrustedAt(keyId, validAt, when);
      key = key == null ? checked : key;
    }
    // a keyless signature's time is vouched for by Rekor or a timestamp authority, not by its signer
    Instant logged = keyless.containsKey(signer) ? keyless.get(signer).signedAt() : null;
    Instant signedAt = trustedTime != null ? trustedTime : logged != null ? logged : claimed;
    if (policy.maxSignatureAgeHours() != null) {
      Duration limit = Duration.ofHours(policy.maxSignatureAgeHours());
      if (signedAt == null) {
        throw new SignatureRejected(MISSING, "the policy limits the signature's age to " + limit.toHours()
            + "h, which only a SLSA provenance attestation can prove: add `require: [slsa-provenance]`");
      }
      if (Duration.between(signedAt, now).compareTo(limit) > 0) {
        throw new SignatureRejected(SIGNATURE_TOO_OLD, "signed " + signedAt + ", "
            + Duration.between(signedAt, now).toHours() + "h ago; the policy allows " + limit.toHours()
            + "h: sign the artifact again (a new release)");
      }
    }
    String by = keyless.containsKey(signer) ? keyless.get(signer).describe()
        : "trusted key '" + key.name() + "' (" + key.id() + ")";
    String detail = "signature" + (attested.isEmpty() ? "" : " + " + String.join(", ", shortNames(attested)))
        + " of " + artifact.digest() + " by " + by
        + (signedAt == null || keyless.containsKey(signer) ? ""
            : ", signed " + signedAt + (trustedTime != null ? " (release time)" : ""));
    return keyless.containsKey(signer)
        ? new Verified(signer, keyless.get(signer).identity(), List.copyOf(attested), signedAt, detail)
        : new Verified(key.id(), key.name(), List.copyOf(attested), signedAt, detail);
  }

  /** The provenance this release's worker made, if it made one with a trusted time; else null. */
  private static SignatureRef releaseProvenance(List<SignatureRef> made) {
    return made.stream()
        .filter(ref -> SignatureRef.ATTESTATION.equals(ref.kind())
            && InTotoStatements.SLSA_PROVENANCE_V1.equals(ref.predicateType()))
        .filter(ref -> ref.invocationId() != null || ref.signedAt() != null)
        .findFirst().orElse(null);
  }

  /**
   * The release recorded in its history which provenance it signed: this invocation, this time, this key.
   * A provenance that says otherwise (an earlier release's, or one made with another key and a back-dated
   * time) is not this release's, and is refused. Returns the release's time.
   */
  private static Instant requireThisRelease(VerifiedAttestation attestation, SignatureRef releaseMade,
      Instant claimed) {
    Instant recorded;
    try {
      recorded = releaseMade.signedAt() == null ? null : Instant.parse(releaseMade.signedAt());
    } catch (DateTimeParseException e) {
      recorded = null;
    }
    String invocation = attestation.statement().path("predicate").path("runDetails").path("metadata")
        .path("invocationId").asText("");
    if (recorded == null || releaseMade.invocationId() == null) {
      throw new SignatureRejected(PROVENANCE_NOT_OF_THIS_RELEASE, "the release's record of its provenance is"
          + " incomplete (invocation " + releaseMade.invocationId() + ", time " + releaseMade.signedAt() + ")");
    }
    if (!releaseMade.invocationId().equals(invocation)) {
      throw new SignatureRejected(PROVENANCE_NOT_OF_THIS_RELEASE, "the provenance names invocation '"
          + Names.shown(invocation) + "', not this release (" + releaseMade.invocationId() + "): it was made by"
          + " another release or replaced after signing");
    }
    if (!recorded.equals(claimed)) {
      throw new SignatureRejected(PROVENANCE_NOT_OF_THIS_RELEASE, "the provenance says it was signed " + claimed
          + ", but this release signed it at " + recorded + ": it was replaced after signing");
    }
    if (releaseMade.keyId() != null && !releaseMade.keyId().equals(attestation.keyId())) {
      throw new SignatureRejected(PROVENANCE_NOT_OF_THIS_RELEASE, "the provenance is signed by key "
          + attestation.keyId() + ", but this release signed it with " + releaseMade.keyId());
    }
    return recorded;
  }

  private static String verifyFile(ArtifactRef artifact, List<SignatureRef> made, Map<String, PublicKey> keys,
      VerificationPolicy policy, Instant now, Map<String, KeylessBundles.Verified> keyless) {
    Path file = Path.of(artifact.location());
    if (!Files.isRegularFile(file)) {
      throw new SignatureRejected(MISSING, "the artifact " + file + " does not exist on this worker");
    }
    String actual = Digests.sha256(file);
    if (!actual.equals(artifact.digest())) {
      // The expected digest only: the actual one would answer "what is the digest of this file?" for any file.
      throw new SignatureRejected(ARTIFACT_DIGEST_MISMATCH, file + " does not have the digest the release is for ("
          + artifact.digest() + "): the file was changed after the release started");
    }
    Path bundle = location(made, null).map(Path::of).orElse(ArtifactSigner.bundlePath(file, null));
    if (Files.isRegularFile(bundle)) {
      String json = read(bundle);
      if (KeylessBundles.carriesCertificate(json)) {
        KeylessBundles.Verified verified = KeylessBundles.verifyBlob(json, actual, policy.keyless(), now);
        keyless.put(verified.signerId(), verified);
        return verified.signerId();
      }
      return SignatureVerifier.verifyBlob(file.getFileName().toString(), actual, json, keys).keyId();
    }
    Path sig = file.resolveSibling(file.getFileName() + ".sig");
    if (Files.isRegularFile(sig)) {
      return SignatureVerifier.verifyBlobSignature(file.getFileName().toString(), actual, read(sig).strip(), keys)
          .keyId();
    }
    throw new SignatureRejected(MISSING, "no signature of " + file.getFileName() + ": expected " + bundle
        + " (gantry artifact sign, or cosign sign-blob --bundle) or " + sig);
  }

  private static String verifyImage(ArtifactRef artifact, Map<String, PublicKey> keys) {
    return ImageSignatures.verify(OciRegistryClient.forImage(artifact.location()), artifact.location(),
        artifact.digest(), keys).keyId();
  }

  private static VerifiedAttestation verifyFileAttestation(ArtifactRef artifact, List<SignatureRef> made,
      String predicateType, Map<String, PublicKey> keys, VerificationPolicy policy, Instant now,
      Map<String, KeylessBundles.Verified> keyless) {
    Path bundle = location(made, predicateType).map(Path::of)
        .orElse(ArtifactSigner.bundlePath(Path.of(artifact.location()), predicateType));
    if (!Files.isRegularFile(bundle)) {
      throw new SignatureRejected(PREDICATE_TYPE_MISSING, "no " + predicateType + " attestation: expected "
          + bundle + " (gantry artifact attest, or cosign attest-blob --bundle)");
    }
    String json = read(bundle);
    if (KeylessBundles.carriesCertificate(json)) {
      KeylessBundles.Verified verified = KeylessBundles.verifyAttestation(json, artifact.digest(), predicateType,
          policy.keyless(), now);
      keyless.putIfAbsent(verified.signerId(), verified); // the signature's own signing time stays the signer's
      return verified.attestation();
    }
    return SignatureVerifier.verifyAttestation(json, artifact.digest(), predicateType, keys);
  }

  private static VerifiedAttestation verifyImageAttestation(ArtifactRef artifact, String predicateType,
      Map<String, PublicKey> keys, String invocation) {
    List<String> envelopes = ImageSignatures.attestationEnvelopes(OciRegistryClient.forImage(artifact.location()),
        artifact.location(), artifact.digest(), predicateType);
    if (envelopes.isEmpty()) {
      throw new SignatureRejected(PREDICATE_TYPE_MISSING, "no " + predicateType + " attestation at "
          + artifact.location() + ":" + artifact.digest().replace(':', '-') + ".att");
    }
    // Every release of the image attaches its own provenance: the release's own one is the one that counts.
    SignatureRejected last = null;
    VerifiedAttestation first = null;
    for (String envelope : envelopes) {
      try {
        VerifiedAttestation verified = SignatureVerifier.verifyEnvelope(envelope, artifact.digest(), predicateType,
            keys);
        if (invocation == null || invocation.equals(verified.statement().path("predicate").path("runDetails")
            .path("metadata").path("invocationId").asText(""))) {
          return verified;
        }
        first = first == null ? verified : first;
      } catch (SignatureRejected rejected) {
        last = rejected;
      }
    }
    if (first != null) {
      return first;
    }
    throw last;
  }

  private static java.util.Optional<String> location(List<SignatureRef> made, String predicateType) {
    return made.stream()
        .filter(ref -> predicateType == null ? SignatureRef.SIGNATURE.equals(ref.kind())
            : SignatureRef.ATTESTATION.equals(ref.kind()) && predicateType.equals(ref.predicateType()))
        .map(SignatureRef::location)
        .findFirst();
  }

  /** When the signed provenance says the artifact was signed: finishedOn, else startedOn. */
  private static Instant provenanceTime(JsonNode statement) {
    JsonNode metadata = statement.path("predicate").path("runDetails").path("metadata");
    String when = metadata.path("finishedOn").asText(metadata.path("startedOn").asText(""));
    try {
      return when.isEmpty() ? null : Instant.parse(when);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private TrustedKeys trustedKeys(String file) {
    if (file == null || !Files.isRegularFile(Path.of(file))) {
      throw new SignatureRejected(MISSING, "the trusted keys file " + file + " does not exist on this worker:"
          + " create it with `gantry keys generate --trusted-keys` or `gantry keys import`");
    }
    TrustedKeys keys = TrustedKeys.load(Path.of(file));
    if (ledger != null) {
      ledger.admit(Path.of(file), keys);
    }
    return keys;
  }

  /** A bundle or .sig next to the artifact; an attestation bundle can hold a whole SBOM, hence the size. */
  private static String read(Path file) {
    try {
      return BoundedFiles.readString(file, MAX_BUNDLE_BYTES);
    } catch (IOException e) {
      throw new SignatureRejected(MISSING, file + " " + BoundedFiles.describe(e));
    }
  }

  private static List<String> shortNames(List<String> predicateTypes) {
    return predicateTypes.stream().map(type -> type.replaceFirst("^https://", "")).toList();
  }
}
