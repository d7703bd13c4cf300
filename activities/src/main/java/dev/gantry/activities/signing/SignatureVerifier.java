package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.SignatureRejected.Reason.ARTIFACT_DIGEST_MISMATCH;
import static dev.gantry.activities.signing.SignatureRejected.Reason.MALFORMED;
import static dev.gantry.activities.signing.SignatureRejected.Reason.PREDICATE_TYPE_MISSING;
import static dev.gantry.activities.signing.SignatureRejected.Reason.SIGNATURE_INVALID;
import static dev.gantry.activities.signing.SignatureRejected.Reason.SUBJECT_DIGEST_MISMATCH;
import static dev.gantry.activities.signing.SignatureRejected.Reason.UNKNOWN_KEY;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.support.ParseErrors;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.MessageSignature;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks key-based signatures and attestations cryptographically: the bytes, the digest, the key and the
 * signature. It knows no policy: whether a key is revoked, or was valid when it signed, is decided by the
 * caller from the key id in the result.
 *
 * <p>Candidate keys are a map from cosign key id ({@link KeyIds#of}) to public key.
 */
public final class SignatureVerifier {
  private static final ObjectMapper JSON = new ObjectMapper();
  // cosign 2.6.1's attest-blob --predicate still writes Statement v0.1; the fields we read are the same.
  private static final Set<String> STATEMENT_TYPES =
      Set.of(InTotoStatements.STATEMENT_V1, "https://in-toto.io/Statement/v0.1");

  private SignatureVerifier() {}

  /** Candidate keys indexed by their cosign key id. */
  public static Map<String, PublicKey> byKeyId(PublicKey... keys) {
    Map<String, PublicKey> byId = new LinkedHashMap<>();
    for (PublicKey key : keys) {
      byId.put(KeyIds.of(key), key);
    }
    return byId;
  }

  /** Verifies a {@code sign-blob} bundle ({@code <artifact>.sigstore.json}) against the artifact's bytes. */
  public static VerifiedSignature verifyBlob(Path artifact, String bundleJson,
      Map<String, PublicKey> keys) {
    return verifyBlob(artifact.getFileName().toString(), Digests.sha256(artifact), bundleJson, keys);
  }

  /** As {@link #verifyBlob(Path, String, Map)}, for an artifact whose digest the caller just computed. */
  public static VerifiedSignature verifyBlob(String artifactName, String actualDigest, String bundleJson,
      Map<String, PublicKey> keys) {
    Bundle bundle = BundleJson.parseKeyBased(bundleJson);
    if (bundle.getContentCase() != Bundle.ContentCase.MESSAGE_SIGNATURE) {
      throw new SignatureRejected(MALFORMED, "the bundle holds no messageSignature (it holds "
          + bundle.getContentCase() + "): is it an attestation?");
    }
    MessageSignature signed = bundle.getMessageSignature();
    if (signed.getMessageDigest().getAlgorithm() != HashAlgorithm.SHA2_256
        || signed.getMessageDigest().getDigest().size() != 32) {
      throw new SignatureRejected(MALFORMED, "the bundle's messageDigest is not a SHA2_256 digest (algorithm "
          + signed.getMessageDigest().getAlgorithm() + ", " + signed.getMessageDigest().getDigest().size()
          + " bytes)");
    }
    String signedDigest = "sha256:" + HexFormat.of().formatHex(signed.getMessageDigest().getDigest().toByteArray());
    if (!actualDigest.equals(signedDigest)) {
      // The bundle's digest only: the file's own would tell anyone its digest (a wrong bundle for any file).
      throw new SignatureRejected(ARTIFACT_DIGEST_MISMATCH, "artifact " + artifactName + " does not have the"
          + " digest the bundle signed (" + signedDigest + ")");
    }
    String keyId = bundle.getVerificationMaterial().getPublicKey().getHint();
    PublicKey key = candidate(keyId, keys);
    if (!verifiesDigest(key, sha256Bytes(actualDigest), signed.getSignature().toByteArray())) {
      throw new SignatureRejected(SIGNATURE_INVALID, "the signature over " + actualDigest
          + " does not verify with key " + keyId);
    }
    return new VerifiedSignature(keyId, actualDigest);
  }

  /**
   * Verifies cosign's plain {@code .sig} (base64 DER). It names no key, so every candidate is tried; the
   * result names the one that verified.
   */
  public static VerifiedSignature verifyBlobSignature(Path artifact, String sigBase64,
      Map<String, PublicKey> keys) {
    return verifyBlobSignature(artifact.getFileName().toString(), Digests.sha256(artifact), sigBase64, keys);
  }

  /** As {@link #verifyBlobSignature(Path, String, Map)}, for an artifact whose digest the caller just computed. */
  public static VerifiedSignature verifyBlobSignature(String artifactName, String digest, String sigBase64,
      Map<String, PublicKey> keys) {
    byte[] signature;
    try {
      signature = Base64.getMimeDecoder().decode(sigBase64 == null ? "" : sigBase64.strip());
    } catch (IllegalArgumentException e) {
      throw new SignatureRejected(MALFORMED, "the signature is not base64");
    }
    if (signature.length == 0) {
      throw new SignatureRejected(MALFORMED, "the signature is empty");
    }
    byte[] sha256 = sha256Bytes(digest);
    for (Map.Entry<String, PublicKey> candidate : keys.entrySet()) {
      if (verifiesDigest(candidate.getValue(), sha256, signature)) {
        return new VerifiedSignature(candidate.getKey(), digest);
      }
    }
    throw new SignatureRejected(SIGNATURE_INVALID, "the signature over " + digest + " of "
        + artifactName + " verifies with none of the " + keys.size() + " candidate keys");
  }

  /**
   * Verifies an {@code attest-blob} bundle: the DSSE signature, that the statement is about
   * {@code expectedSha256Hex} and that its predicate type is {@code requiredPredicateType}.
   */
  public static VerifiedAttestation verifyAttestation(String bundleJson, String expectedSha256Hex,
      String requiredPredicateType, Map<String, PublicKey> keys) {
    Bundle bundle = BundleJson.parseKeyBased(bundleJson);
    if (bundle.getContentCase() != Bundle.ContentCase.DSSE_ENVELOPE) {
      throw new SignatureRejected(MALFORMED, "the bundle holds no dsseEnvelope (it holds "
          + bundle.getContentCase() + "): is it a blob signature?");
    }
    Envelope envelope = bundle.getDsseEnvelope();
    String keyId = bundle.getVerificationMaterial().getPublicKey().getHint();
    PublicKey key = candidate(keyId, keys);
    if (envelope.getSignaturesCount() == 0) {
      throw new SignatureRejected(MALFORMED, "the DSSE envelope has no signature");
    }
    byte[] pae = Dsse.pae(envelope.getPayloadType(), envelope.getPayload().toByteArray());
    boolean verified = envelope.getSignaturesList().stream()
        .anyMatch(s -> verifiesMessage(key, pae, s.getSig().toByteArray()));
    if (!verified) {
      throw new SignatureRejected(SIGNATURE_INVALID, "the DSSE envelope's signature does not verify with key "
          + keyId);
    }
    return authenticStatement(envelope, keyId, expectedSha256Hex, requiredPredicateType);
  }

  /**
   * Verifies a bare DSSE envelope (as stored at an image's {@code .att} tag), which names no key: the
   * first candidate key whose signature verifies is the signer.
   */
  public static VerifiedAttestation verifyEnvelope(String envelopeJson, String expectedSha256Hex,
      String requiredPredicateType, Map<String, PublicKey> keys) {
    Envelope envelope = BundleJson.parseEnvelope(envelopeJson);
    if (envelope.getSignaturesCount() == 0) {
      throw new SignatureRejected(MALFORMED, "the DSSE envelope has no signature");
    }
    byte[] pae = Dsse.pae(envelope.getPayloadType(), envelope.getPayload().toByteArray());
    for (Map.Entry<String, PublicKey> candidate : keys.entrySet()) {
      boolean verified = envelope.getSignaturesList().stream()
          .anyMatch(s -> verifiesMessage(candidate.getValue(), pae, s.getSig().toByteArray()));
      if (verified) {
        return authenticStatement(envelope, candidate.getKey(), expectedSha256Hex, requiredPredicateType);
      }
    }
    throw new SignatureRejected(SIGNATURE_INVALID, "the DSSE envelope's signature verifies with none of the "
        + keys.size() + " candidate keys");
  }

  /**
   * An in-toto statement in DSSE about {@code expectedSha256Hex}, of any predicate type (a keyless blob
   * signature made as an attestation). Its signature is checked by the caller.
   */
  static VerifiedAttestation statementAbout(Envelope envelope, String keyId, String expectedSha256Hex) {
    JsonNode statement = statementWithSubject(envelope, expectedSha256Hex);
    return new VerifiedAttestation(keyId, statement.path("predicateType").asText(""), statement);
  }

  private static JsonNode statementWithSubject(Envelope envelope, String expectedSha256Hex) {
    if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(envelope.getPayloadType())) {
      throw new SignatureRejected(MALFORMED, "the DSSE payloadType is '" + envelope.getPayloadType()
          + "', expected " + Dsse.IN_TOTO_PAYLOAD_TYPE);
    }
    JsonNode statement = parseStatement(envelope.getPayload().toByteArray());
    String expected = normalizeSha256(expectedSha256Hex);
    List<String> subjects = new ArrayList<>();
    statement.path("subject").forEach(s -> subjects.add(s.path("digest").path("sha256").asText("")));
    if (!subjects.contains(expected)) {
      throw new SignatureRejected(SUBJECT_DIGEST_MISMATCH, "the attestation is about sha256 " + subjects
          + ", not the artifact's sha256 " + expected);
    }
    return statement;
  }

  /** The envelope's signature verified: what remains is whether it says what we require. */
  static VerifiedAttestation authenticStatement(Envelope envelope, String keyId,
      String expectedSha256Hex, String requiredPredicateType) {
    JsonNode statement = statementWithSubject(envelope, expectedSha256Hex);
    String predicateType = statement.path("predicateType").asText("");
    if (predicateType.isEmpty()) {
      throw new SignatureRejected(PREDICATE_TYPE_MISSING, "the statement has no predicateType, required "
          + requiredPredicateType);
    }
    if (!predicateType.equals(requiredPredicateType)) {
      throw new SignatureRejected(PREDICATE_TYPE_MISSING, "the attestation's predicateType is " + predicateType
          + ", required " + requiredPredicateType);
    }
    return new VerifiedAttestation(keyId, predicateType, statement);
  }

  private static JsonNode parseStatement(byte[] payload) {
    JsonNode statement;
    try {
      statement = JSON.readTree(payload);
    } catch (IOException e) {
      // Not Jackson's message: it quotes the payload.
      throw new SignatureRejected(MALFORMED, "the DSSE payload is not JSON"
          + (e instanceof JsonProcessingException json ? ParseErrors.where(json.getLocation()) : ""));
    }
    String type = statement == null ? "" : statement.path("_type").asText("");
    if (!STATEMENT_TYPES.contains(type)) {
      throw new SignatureRejected(MALFORMED, "the DSSE payload is not an in-toto statement (_type '" + type
          + "', expected " + InTotoStatements.STATEMENT_V1 + ")");
    }
    return statement;
  }

  private static PublicKey candidate(String keyId, Map<String, PublicKey> keys) {
    PublicKey key = keyId.isEmpty() ? null : keys.get(keyId);
    if (key == null) {
      throw new SignatureRejected(UNKNOWN_KEY, "signed by key '" + keyId + "', which is not among the "
          + keys.size() + " candidate keys");
    }
    return key;
  }

  private static String normalizeSha256(String hex) {
    String value = hex == null ? "" : hex.strip().toLowerCase(Locale.ROOT);
    return value.startsWith("sha256:") ? value.substring("sha256:".length()) : value;
  }

  private static byte[] sha256Bytes(String digest) {
    return HexFormat.of().parseHex(digest.substring("sha256:".length()));
  }

  // "NONEwithECDSA" over SHA-256(m) is "SHA256withECDSA" over m: the artifact is hashed once, streaming.
  private static boolean verifiesDigest(PublicKey key, byte[] sha256, byte[] signature) {
    return verifies("NONEwithECDSA", key, sha256, signature);
  }

  private static boolean verifiesMessage(PublicKey key, byte[] message, byte[] signature) {
    return verifies("SHA256withECDSA", key, message, signature);
  }

  private static boolean verifies(String algorithm, PublicKey key, byte[] data, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      // a signature that is not DER (e.g. truncated) or a key that is not EC: it does not verify
      return false;
    }
  }
}
