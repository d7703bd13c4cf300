package dev.gantry.activities.signing;

import dev.gantry.activities.support.TestKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gantry.activities.local.Digests;
import dev.gantry.activities.signing.SignatureRejected.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a signature or attestation can be wrong is refused, each with its own reason. */
class SignatureVerifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private LocalKeySigner signer;
  private Map<String, PublicKey> keys;
  private Path artifact;
  private String sha256Hex;

  @BeforeEach
  void setUp() throws IOException {
    signer = TestKeys.newSigner();
    keys = SignatureVerifier.byKeyId(signer.publicKey());
    artifact = Files.writeString(dir.resolve("app.tar.gz"), "release bytes\n");
    sha256Hex = Digests.sha256(artifact).substring("sha256:".length());
  }

  @Test
  void acceptsOwnBlobSignature() {
    BlobSignature signature = BlobSigning.sign(artifact, signer);

    assertThat(SignatureVerifier.verifyBlob(artifact, signature.bundleJson(), keys))
        .isEqualTo(new VerifiedSignature(signer.keyId(), "sha256:" + sha256Hex));
    assertThat(SignatureVerifier.verifyBlobSignature(artifact, signature.signatureBase64(), keys).keyId())
        .isEqualTo(signer.keyId());
    assertThat(BlobSignature.fromBundle(signature.bundleJson())).isEqualTo(signature);
  }

  @Test
  void plainSigFindsItsKeyAmongSeveral() {
    LocalKeySigner other = TestKeys.newSigner();
    String sig = BlobSigning.sign(artifact, signer).signatureBase64();

    VerifiedSignature verified = SignatureVerifier.verifyBlobSignature(
        artifact, sig, SignatureVerifier.byKeyId(other.publicKey(), signer.publicKey()));

    assertThat(verified.keyId()).isEqualTo(signer.keyId());
  }

  @Test
  void changedArtifactByteIsADigestMismatchNamingTheSignedDigestOnly() throws IOException {
    String bundle = BlobSigning.sign(artifact, signer).bundleJson();
    byte[] bytes = Files.readAllBytes(artifact);
    bytes[0] ^= 1;
    Files.write(artifact, bytes);

    refused(() -> SignatureVerifier.verifyBlob(artifact, bundle, keys), Reason.ARTIFACT_DIGEST_MISMATCH)
        .hasMessageContaining("sha256:" + sha256Hex)
        .as("the file's own digest is not revealed").hasMessageNotContaining(Digests.sha256(artifact));
  }

  @Test
  void signatureByAKeyThatIsNotACandidateIsUnknownKeyNamingTheHint() {
    LocalKeySigner stranger = TestKeys.newSigner();
    String bundle = BlobSigning.sign(artifact, stranger).bundleJson();

    refused(() -> SignatureVerifier.verifyBlob(artifact, bundle, keys), Reason.UNKNOWN_KEY)
        .hasMessageContaining(stranger.keyId());
    String attestation = Attestations.sign(sbomStatement(), stranger).bundleJson();
    refused(() -> SignatureVerifier.verifyAttestation(attestation, sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys),
        Reason.UNKNOWN_KEY);
    // a plain .sig names no key: with no candidate that verifies it, the signature is invalid
    String sig = BlobSigning.sign(artifact, stranger).signatureBase64();
    refused(() -> SignatureVerifier.verifyBlobSignature(artifact, sig, keys), Reason.SIGNATURE_INVALID);
  }

  @Test
  void hintNamingATrustedKeyOnAStrangersSignatureIsInvalid() throws IOException {
    LocalKeySigner stranger = TestKeys.newSigner();
    ObjectNode bundle = (ObjectNode) JSON.readTree(BlobSigning.sign(artifact, stranger).bundleJson());
    ((ObjectNode) bundle.at("/verificationMaterial/publicKey")).put("hint", signer.keyId());

    refused(() -> SignatureVerifier.verifyBlob(artifact, bundle.toString(), keys), Reason.SIGNATURE_INVALID);
  }

  @Test
  void truncatedSignatureIsInvalid() throws IOException {
    BlobSignature signature = BlobSigning.sign(artifact, signer);
    byte[] der = Base64.getDecoder().decode(signature.signatureBase64());
    String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(der, der.length - 5));
    ObjectNode bundle = (ObjectNode) JSON.readTree(signature.bundleJson());
    ((ObjectNode) bundle.get("messageSignature")).put("signature", truncated);

    refused(() -> SignatureVerifier.verifyBlob(artifact, bundle.toString(), keys), Reason.SIGNATURE_INVALID);
    refused(() -> SignatureVerifier.verifyBlobSignature(artifact, truncated, keys), Reason.SIGNATURE_INVALID);
  }

  @Test
  void bundleThatIsNotJsonOrTruncatedIsMalformed() {
    String bundle = BlobSigning.sign(artifact, signer).bundleJson();

    refused(() -> SignatureVerifier.verifyBlob(artifact, "this is not a bundle", keys), Reason.MALFORMED)
        .hasMessageContaining("not JSON");
    refused(() -> SignatureVerifier.verifyBlob(artifact, bundle.substring(0, bundle.length() / 2), keys),
        Reason.MALFORMED).hasMessageContaining("truncated");
    refused(() -> SignatureVerifier.verifyBlob(artifact, "", keys), Reason.MALFORMED);
    refused(() -> SignatureVerifier.verifyBlob(artifact, "{\"mediaType\":\"text/plain\"}", keys), Reason.MALFORMED)
        .hasMessageContaining("mediaType");
    refused(() -> SignatureVerifier.verifyBlobSignature(artifact, "%%% not base64", keys), Reason.MALFORMED);
  }

  @Test
  void attestationBundleIsNoBlobSignatureAndViceVersa() {
    String attestation = Attestations.sign(sbomStatement(), signer).bundleJson();
    String blob = BlobSigning.sign(artifact, signer).bundleJson();

    refused(() -> SignatureVerifier.verifyBlob(artifact, attestation, keys), Reason.MALFORMED);
    refused(() -> SignatureVerifier.verifyAttestation(blob, sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys),
        Reason.MALFORMED);
  }

  @Test
  void acceptsOwnAttestationAndReturnsTheStatement() {
    String bundle = Attestations.sign(sbomStatement(), signer).bundleJson();

    VerifiedAttestation verified =
        SignatureVerifier.verifyAttestation(bundle, sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys);

    assertThat(verified.keyId()).isEqualTo(signer.keyId());
    assertThat(verified.predicateType()).isEqualTo(InTotoStatements.SPDX_DOCUMENT);
    assertThat(verified.statement().at("/predicate/spdxVersion").asText()).isEqualTo("SPDX-2.3");
    assertThat(verified.statement().at("/subject/0/name").asText()).isEqualTo("app.tar.gz");
  }

  @Test
  void attestationAboutAnotherArtifactIsASubjectDigestMismatch() {
    String otherDigest = "ab".repeat(32);
    String bundle = Attestations.sign(InTotoStatements.sbom("app.tar.gz", otherDigest, spdx()), signer).bundleJson();

    refused(() -> SignatureVerifier.verifyAttestation(bundle, sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys),
        Reason.SUBJECT_DIGEST_MISMATCH).hasMessageContaining(otherDigest).hasMessageContaining(sha256Hex);
  }

  @Test
  void swappedSubjectDigestBreaksTheSignature() {
    // an attacker re-pointing a signed statement at another artifact must re-sign it: the old signature fails
    String bundle = Attestations.sign(sbomStatement(), signer).bundleJson();
    String swapped = replacePayload(bundle, sha256Hex, "cd".repeat(32));

    refused(() -> SignatureVerifier.verifyAttestation(swapped, "cd".repeat(32), InTotoStatements.SPDX_DOCUMENT, keys),
        Reason.SIGNATURE_INVALID);
  }

  @Test
  void wrongOrMissingPredicateTypeIsRefused() throws IOException {
    String bundle = Attestations.sign(sbomStatement(), signer).bundleJson();
    refused(() -> SignatureVerifier.verifyAttestation(bundle, sha256Hex, InTotoStatements.SLSA_PROVENANCE_V1, keys),
        Reason.PREDICATE_TYPE_MISSING)
        .hasMessageContaining(InTotoStatements.SPDX_DOCUMENT)
        .hasMessageContaining(InTotoStatements.SLSA_PROVENANCE_V1);

    // a statement with no predicateType cannot be made by Attestations.sign: sign its envelope by hand
    ObjectNode statement = (ObjectNode) JSON.readTree(sbomStatement());
    statement.remove("predicateType");
    String untyped = BundleJson.print(BundleJson.withKeyHint(signer.keyId())
        .setDsseEnvelope(Dsse.sign(Dsse.IN_TOTO_PAYLOAD_TYPE, JSON.writeValueAsBytes(statement), signer)).build());
    refused(() -> SignatureVerifier.verifyAttestation(untyped, sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys),
        Reason.PREDICATE_TYPE_MISSING).hasMessageContaining("no predicateType");
  }

  @Test
  void signedPayloadOfAnotherTypeIsMalformed() {
    String bundle = BundleJson.print(BundleJson.withKeyHint(signer.keyId())
        .setDsseEnvelope(Dsse.sign("text/plain", "hello".getBytes(StandardCharsets.UTF_8), signer)).build());

    refused(() -> SignatureVerifier.verifyAttestation(bundle, sha256Hex, InTotoStatements.SPDX_DOCUMENT, keys),
        Reason.MALFORMED).hasMessageContaining("payloadType");
  }

  @Test
  void paeCountsBytesNotCharacters() {
    String text = "Grüße, 世界"; // 9 characters, 15 bytes in UTF-8
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    assertThat(text).hasSize(9);
    assertThat(payload).hasSize(15);

    byte[] pae = Dsse.pae("application/vnd.in-toto+json", payload);

    assertThat(new String(pae, StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 28 application/vnd.in-toto+json 15 " + text);
  }

  @Test
  void paeMatchesTheDsseSpecExample() {
    // from the DSSE protocol document (secure-systems-lab/dsse, protocol.md)
    byte[] pae = Dsse.pae("http://example.com/HelloWorld", "hello world".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(pae, StandardCharsets.UTF_8))
        .isEqualTo("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  }

  @Test
  void signsAFiftyMegabyteFileByStreamingIt() throws IOException {
    Path big = dir.resolve("big.bin");
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 7);
    try (OutputStream out = Files.newOutputStream(big)) {
      for (int i = 0; i < 50; i++) {
        out.write(chunk);
      }
    }

    BlobSignature signature = BlobSigning.sign(big, signer);

    assertThat(SignatureVerifier.verifyBlob(big, signature.bundleJson(), keys).digest()).isEqualTo(Digests.sha256(big));
  }

  @Test
  void digestSignatureEqualsMessageSignature() throws Exception {
    byte[] message = "the same message".getBytes(StandardCharsets.UTF_8);
    byte[] sha256 = MessageDigest.getInstance("SHA-256").digest(message);
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(signer.publicKey());
    verifier.update(message);

    assertThat(verifier.verify(signer.signDigest(sha256))).isTrue();
  }

  private byte[] sbomStatement() {
    return InTotoStatements.sbom("app.tar.gz", sha256Hex, spdx());
  }

  private Path spdx() {
    try {
      return Files.writeString(dir.resolve("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\",\"packages\":[]}");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> refused(
      ThrowingCallable call, Reason reason) {
    return assertThatThrownBy(call)
        .isInstanceOfSatisfying(SignatureRejected.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  /** The bundle with {@code from} replaced by {@code to} inside its DSSE payload, signature unchanged. */
  static String replacePayload(String bundleJson, String from, String to) {
    try {
      ObjectNode bundle = (ObjectNode) JSON.readTree(bundleJson);
      ObjectNode envelope = (ObjectNode) bundle.get("dsseEnvelope");
      String payload = new String(Base64.getDecoder().decode(envelope.get("payload").asText()), StandardCharsets.UTF_8);
      assertThat(payload).contains(from);
      envelope.put("payload", Base64.getEncoder().encodeToString(
          payload.replace(from, to).getBytes(StandardCharsets.UTF_8)));
      return bundle.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
