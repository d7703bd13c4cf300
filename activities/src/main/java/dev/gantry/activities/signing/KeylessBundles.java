package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.SignatureRejected.Reason.MALFORMED;
import static dev.gantry.activities.signing.SignatureRejected.Reason.MISSING;
import static dev.gantry.activities.signing.SignatureRejected.Reason.UNTRUSTED_IDENTITY;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.gantry.workflows.api.artifact.Sha256;
import dev.gantry.workflows.api.signing.KeylessPolicy;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.proto.bundle.v1.VerificationMaterial;
import dev.sigstore.proto.common.v1.HashAlgorithm;
import dev.sigstore.proto.common.v1.HashOutput;
import dev.sigstore.proto.common.v1.MessageSignature;
import dev.sigstore.proto.rekor.v1.TransparencyLogEntry;
import dev.sigstore.proto.trustroot.v1.TrustedRoot;
import io.intoto.EnvelopeOuterClass.Envelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1String;

/**
 * Verifies keyless Sigstore bundles (a Fulcio certificate and a Rekor entry) offline, against the
 * {@code trusted_root.json} and the signer identities the platform policy names ({@link KeylessPolicy}).
 *
 * <p>sigstore-java 2.0.0's {@link KeylessVerifier} does most of the work: the certificate chain to a Fulcio CA
 * of the trusted root, the certificate's SCT, the identity rules, the signature over the artifact or the DSSE
 * envelope, that the Rekor entry is about this signature and certificate, its inclusion proof, checkpoint and
 * (Rekor v1) signed entry timestamp, and RFC 3161 timestamps. What it does not do is added here:
 * <ul>
 *   <li>a trusted root whose logs, CAs or timestamp authorities lack the start of their validity is refused
 *       (sigstore-java takes a missing bound as unbounded);</li>
 *   <li>every signing time that is vouched for (Rekor v1's integrated time under a signed entry timestamp, each
 *       RFC 3161 timestamp) must lie inside the certificate's validity, and not in the future: sigstore-java
 *       checks the timestamps' but never the integrated time;</li>
 *   <li>at least one such time must exist (a Rekor v2 entry has no integrated time: a timestamp is needed);</li>
 *   <li>a DSSE envelope logged to Rekor v2 as {@code hashedrekord} 0.0.2 over {@code SHA-256(PAE)}: sigstore-java
 *       only knows {@code dsse} entries there. Such a bundle is verified as the message signature it is
 *       (the PAE's digest, with byte lengths), then its statement is checked here;</li>
 *   <li>the in-toto statement of an attestation: subject digest and predicate type.</li>
 * </ul>
 * Messages name what failed and never quote the bundle, the artifact's digest or key material. The library's
 * part is {@link SigstoreChecks}, the signing times {@link KeylessSigningTimes}, the trusted root
 * {@link KeylessTrustedRoots}; this class parses the bundle and puts them in order.
 */
public final class KeylessBundles {
  /** Prefix of the signer id a keyless signature is known by (cosign key ids never contain ':'). */
  public static final String SIGNER_PREFIX = "keyless:";
  private static final String FULCIO_ISSUER_OID = "1.3.6.1.4.1.57264.1.8";
  private static final String FULCIO_ISSUER_V1_OID = "1.3.6.1.4.1.57264.1.1";
  private static final Pattern LONG_TOKEN = Pattern.compile("[A-Za-z0-9+/=_-]{32,}");

  /**
   * A keyless signature that verified.
   *
   * @param identity    the certificate's subject alternative name
   * @param issuer      the OIDC issuer in the certificate
   * @param signedAt    the earliest signing time vouched for (Rekor v1 integrated time or an RFC 3161 timestamp)
   * @param log         the Rekor entry, for the report (log version and index)
   * @param attestation the statement, when the bundle holds a DSSE envelope; null for a message signature
   */
  public record Verified(String identity, String issuer, Instant signedAt, String log,
      VerifiedAttestation attestation) {

    /** The id the gate records for the signer: {@code keyless:<identity>}. */
    public String signerId() {
      return SIGNER_PREFIX + identity;
    }

    public String describe() {
      return "keyless identity " + identity + " (issuer " + issuer + "), signed " + signedAt + " (" + log + ")";
    }
  }

  private KeylessBundles() {}

  /** True if the bundle's verification material is a certificate (keyless), false for a key hint or no bundle. */
  public static boolean carriesCertificate(String bundleJson) {
    Bundle bundle;
    try {
      bundle = parse(bundleJson);
    } catch (SignatureRejected notABundle) {
      return false;
    }
    VerificationMaterial.ContentCase material = bundle.getVerificationMaterial().getContentCase();
    return material == VerificationMaterial.ContentCase.CERTIFICATE
        || material == VerificationMaterial.ContentCase.X509_CERTIFICATE_CHAIN;
  }

  /**
   * A blob's signature: a message signature over the artifact, or a DSSE in-toto statement whose subject is
   * the artifact (any predicate type).
   *
   * @param artifactDigest the artifact's {@code sha256:<hex>}, computed by the caller from its bytes
   */
  public static Verified verifyBlob(String bundleJson, String artifactDigest, KeylessPolicy policy, Instant now) {
    return verify(bundleJson, artifactDigest, null, policy, now);
  }

  /** An attestation: a DSSE in-toto statement about the artifact with the required predicate type. */
  public static Verified verifyAttestation(String bundleJson, String artifactDigest, String predicateType,
      KeylessPolicy policy, Instant now) {
    Verified verified = verify(bundleJson, artifactDigest, predicateType, policy, now);
    if (verified.attestation() == null) {
      throw new SignatureRejected(MALFORMED, "the keyless bundle holds no dsseEnvelope (it holds a message"
          + " signature): is it a blob signature?");
    }
    return verified;
  }

  private static Verified verify(String bundleJson, String artifactDigest, String predicateType, KeylessPolicy policy,
      Instant now) {
    if (policy == null || policy.trustedRoot() == null) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "the artifact carries a keyless (certificate) signature, and"
          + " the platform policy trusts none: add `signing.keyless` (trustedRoot and identities) to policy.yaml,"
          + " or sign with a trusted key");
    }
    if (policy.identitiesOrEmpty().isEmpty()) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "the platform policy's signing.keyless names no identity:"
          + " no keyless signer is trusted");
    }
    byte[] digest = sha256Bytes(artifactDigest);
    Bundle bundle = parse(bundleJson);
    VerificationMaterial material = bundle.getVerificationMaterial();
    if (material.getContentCase() != VerificationMaterial.ContentCase.CERTIFICATE
        && material.getContentCase() != VerificationMaterial.ContentCase.X509_CERTIFICATE_CHAIN) {
      throw new SignatureRejected(MALFORMED, "the bundle carries no certificate (verification material: "
          + material.getContentCase() + ")");
    }
    if (material.getTlogEntriesCount() == 0) {
      throw new SignatureRejected(MISSING, "the keyless bundle has no transparency log entry");
    }
    if (material.getTlogEntriesCount() > 1) {
      // sigstore-java verifies the first entry only: an unverified second one must not vouch for anything
      throw new SignatureRejected(MALFORMED, "the keyless bundle has " + material.getTlogEntriesCount()
          + " transparency log entries; Gantry verifies bundles with exactly one");
    }
    Path rootFile = Path.of(policy.trustedRoot());
    TrustedRoot root = KeylessTrustedRoots.read(rootFile);
    X509Certificate leaf = leaf(material);

    TransparencyLogEntry entry = material.getTlogEntries(0);
    String kind = entry.getKindVersion().getKind() + " " + entry.getKindVersion().getVersion();
    boolean dsse = bundle.getContentCase() == Bundle.ContentCase.DSSE_ENVELOPE;
    boolean hashedRekordOverDsse = dsse && "hashedrekord".equals(entry.getKindVersion().getKind());
    VerifiedAttestation attestation = null;
    byte[] verifiedDigest = digest;
    Bundle checked = bundle;
    if (dsse) {
      Envelope envelope = bundle.getDsseEnvelope();
      if (!Dsse.IN_TOTO_PAYLOAD_TYPE.equals(envelope.getPayloadType())) {
        throw new SignatureRejected(MALFORMED, "the DSSE payloadType is not " + Dsse.IN_TOTO_PAYLOAD_TYPE);
      }
      // The statement is checked before the signature only for its shape: nothing is trusted until both pass.
      attestation = statement(envelope, artifactDigest, predicateType);
      if (hashedRekordOverDsse) {
        if (envelope.getSignaturesCount() != 1) {
          throw new SignatureRejected(MALFORMED, "the DSSE envelope must have exactly one signature, it has "
              + envelope.getSignaturesCount());
        }
        // Rekor v2 logs a DSSE envelope as a hashedrekord over SHA-256(PAE): verify it as that message signature.
        verifiedDigest = Sha256.bytes(Dsse.pae(envelope.getPayloadType(), envelope.getPayload().toByteArray()));
        checked = bundle.toBuilder().clearDsseEnvelope()
            .setMessageSignature(MessageSignature.newBuilder()
                .setMessageDigest(HashOutput.newBuilder().setAlgorithm(HashAlgorithm.SHA2_256)
                    .setDigest(ByteString.copyFrom(verifiedDigest)))
                .setSignature(envelope.getSignatures(0).getSig()))
            .build();
      }
    } else if (predicateType != null) {
      throw new SignatureRejected(MALFORMED, "the keyless bundle holds no dsseEnvelope (it holds "
          + bundle.getContentCase() + "): is it a blob signature?");
    }

    SigstoreChecks.verify(checked, verifiedDigest, rootFile, policy.identitiesOrEmpty(), leaf,
        dsse && !hashedRekordOverDsse);
    List<Instant> times = KeylessSigningTimes.of(bundle, leaf, now);
    KeylessSigningTimes.logValidAt(root, entry, times);

    String log = "Rekor " + (entry.hasInclusionPromise() ? "v1" : "v2") + " entry " + entry.getLogIndex()
        + " (" + kind + ")";
    Instant signedAt = times.stream().min(Instant::compareTo).orElseThrow();
    return new Verified(shown(san(leaf)), shown(issuer(leaf)), signedAt, log,
        attestation == null ? null : new VerifiedAttestation(SIGNER_PREFIX + shown(san(leaf)),
            attestation.predicateType(), attestation.statement()));
  }

  /**
   * For the policy loader: the trusted root is complete (every log, CA and timestamp authority says since when
   * it is valid) and sigstore-java can build a verifier from it. Throws {@link SignatureRejected} naming what is
   * wrong.
   */
  public static void requireUsableTrustedRoot(Path file) {
    KeylessTrustedRoots.requireUsable(file);
  }

  /** Parses with protobuf's JSON mapping; never quotes the input. */
  static Bundle parse(String json) {
    if (json == null || json.isBlank()) {
      throw new SignatureRejected(MALFORMED, "the bundle is empty");
    }
    Bundle.Builder builder = Bundle.newBuilder();
    try {
      JsonFormat.parser().ignoringUnknownFields().merge(json, builder);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new SignatureRejected(MALFORMED,
          "the bundle is not a valid Sigstore bundle (not JSON, truncated or a field of the wrong type)");
    }
    Bundle bundle = builder.build();
    if (!bundle.getMediaType().startsWith("application/vnd.dev.sigstore.bundle")) {
      throw new SignatureRejected(MALFORMED, "the bundle's mediaType is not a Sigstore bundle's");
    }
    return bundle;
  }

  private static X509Certificate leaf(VerificationMaterial material) {
    ByteString der = material.getContentCase() == VerificationMaterial.ContentCase.CERTIFICATE
        ? material.getCertificate().getRawBytes()
        : material.getX509CertificateChain().getCertificatesCount() == 0 ? ByteString.EMPTY
            : material.getX509CertificateChain().getCertificates(0).getRawBytes();
    if (der.isEmpty()) {
      throw new SignatureRejected(MALFORMED, "the bundle's certificate chain is empty");
    }
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der.toByteArray()));
    } catch (CertificateException | RuntimeException e) {
      throw new SignatureRejected(MALFORMED, "the bundle's signing certificate is not an X.509 certificate");
    }
  }

  /** The statement's shape and subject: the signature over it is checked by the caller's verification. */
  private static VerifiedAttestation statement(Envelope envelope, String artifactDigest, String predicateType) {
    if (predicateType != null) {
      return SignatureVerifier.authenticStatement(envelope, SIGNER_PREFIX, artifactDigest, predicateType);
    }
    // A blob's signature may be any in-toto statement about the artifact.
    return SignatureVerifier.statementAbout(envelope, SIGNER_PREFIX, artifactDigest);
  }

  static String san(X509Certificate leaf) {
    try {
      var names = leaf.getSubjectAlternativeNames();
      if (names == null || names.isEmpty()) {
        return "(none)";
      }
      Object value = names.iterator().next().get(1);
      return value instanceof String text ? text : "(not a name)";
    } catch (CertificateException e) {
      return "(unreadable)";
    }
  }

  static String issuer(X509Certificate leaf) {
    try {
      byte[] value = leaf.getExtensionValue(FULCIO_ISSUER_OID);
      if (value != null) {
        ASN1Primitive inner = ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(value).getOctets());
        if (inner instanceof ASN1String text) {
          return text.getString();
        }
      }
      value = leaf.getExtensionValue(FULCIO_ISSUER_V1_OID);
      if (value != null) {
        return new String(ASN1OctetString.getInstance(value).getOctets(), StandardCharsets.UTF_8);
      }
    } catch (IOException | RuntimeException e) {
      return "(unreadable)";
    }
    return "(none)";
  }

  /** Bounded and printable, for messages (a certificate's names are the signer's to choose). */
  static String shown(String value) {
    String printable = value.codePoints().filter(c -> c >= 0x20 && c != 0x7f)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return printable.length() <= 200 ? printable : printable.substring(0, 200) + "…";
  }

  /** An exception's first line, bounded, with long hex or base64 runs (digests, keys) left out. */
  static String firstLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String line = message.lines().findFirst().orElse("").strip();
    // the library quotes parts of the bundle (a media type, a log's name): printable and bounded only
    line = LONG_TOKEN.matcher(line).replaceAll("…").codePoints().filter(c -> c >= 0x20 && c != 0x7f)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    return line.length() <= 240 ? line : line.substring(0, 240) + "…";
  }

  private static byte[] sha256Bytes(String digest) {
    String value = digest == null ? "" : digest.strip().toLowerCase(Locale.ROOT);
    if (!value.matches("sha256:[0-9a-f]{64}")) {
      throw new SignatureRejected(MALFORMED, "the artifact's digest is not sha256:<64 hex>");
    }
    return HexFormat.of().parseHex(value.substring("sha256:".length()));
  }
}
