package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.KeylessBundles.firstLine;
import static dev.gantry.activities.signing.KeylessBundles.issuer;
import static dev.gantry.activities.signing.KeylessBundles.san;
import static dev.gantry.activities.signing.KeylessBundles.shown;
import static dev.gantry.activities.signing.SignatureRejected.Reason.ARTIFACT_DIGEST_MISMATCH;
import static dev.gantry.activities.signing.SignatureRejected.Reason.KEY_NOT_VALID_AT_SIGNING_TIME;
import static dev.gantry.activities.signing.SignatureRejected.Reason.MALFORMED;
import static dev.gantry.activities.signing.SignatureRejected.Reason.SIGNATURE_INVALID;
import static dev.gantry.activities.signing.SignatureRejected.Reason.SUBJECT_DIGEST_MISMATCH;
import static dev.gantry.activities.signing.SignatureRejected.Reason.UNTRUSTED_IDENTITY;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.gantry.workflows.api.signing.KeylessIdentity;
import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.VerificationOptions;
import dev.sigstore.VerificationOptions.CertificateMatcher;
import dev.sigstore.bundle.BundleParseException;
import dev.sigstore.proto.bundle.v1.Bundle;
import dev.sigstore.strings.RegexSyntaxException;
import dev.sigstore.strings.StringMatcher;
import java.io.StringReader;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The checks sigstore-java 2.0.0 makes on a keyless bundle ({@link KeylessBundles} lists them), with the
 * library's exceptions turned into {@link SignatureRejected} reasons that name what failed.
 */
final class SigstoreChecks {
  private SigstoreChecks() {}

  /** The library's checks, with its exceptions turned into reasons that name what failed. */
  static void verify(Bundle bundle, byte[] digest, Path rootFile,
      List<KeylessIdentity> identities, X509Certificate leaf, boolean statementDigest) {
    dev.sigstore.bundle.Bundle parsed;
    try {
      parsed = dev.sigstore.bundle.Bundle.from(new StringReader(print(bundle)));
    } catch (BundleParseException | RuntimeException e) {
      throw new SignatureRejected(MALFORMED, "the keyless bundle is not one sigstore-java can verify: "
          + firstLine(e));
    }
    KeylessVerifier verifier = KeylessTrustedRoots.verifier(rootFile);
    var options = VerificationOptions.builder();
    for (KeylessIdentity identity : identities) {
      options.addCertificateMatchers(matcher(identity));
    }
    try {
      verifier.verify(digest, parsed, options.build());
    } catch (KeylessVerificationException e) {
      throw rejection(e, leaf, identities, statementDigest);
    } catch (RuntimeException e) {
      throw new SignatureRejected(MALFORMED, "the keyless bundle cannot be verified: " + firstLine(e));
    }
  }

  /** One identity rule as sigstore-java's matcher; a regexp must match the whole value. */
  static CertificateMatcher matcher(KeylessIdentity identity) {
    if ((identity.identity() == null) == (identity.identityRegexp() == null)
        || (identity.issuer() == null) == (identity.issuerRegexp() == null)) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "a keyless identity of the platform policy needs exactly one"
          + " of identity/identityRegexp and one of issuer/issuerRegexp");
    }
    try {
      return CertificateMatcher.fulcio()
          .subjectAlternativeName(identity.identity() != null ? StringMatcher.string(identity.identity())
              : StringMatcher.regex(identity.identityRegexp()))
          .issuer(identity.issuer() != null ? StringMatcher.string(identity.issuer())
              : StringMatcher.regex(identity.issuerRegexp()))
          .build();
    } catch (RegexSyntaxException e) {
      throw new SignatureRejected(UNTRUSTED_IDENTITY, "a keyless identity of the platform policy is not a valid"
          + " regular expression: " + identity.describe());
    }
  }

  private static SignatureRejected rejection(KeylessVerificationException e, X509Certificate leaf,
      List<KeylessIdentity> identities, boolean statementDigest) {
    String message = String.valueOf(e.getMessage());
    String cause = e.getCause() == null || e.getCause() == e ? "" : ": " + firstLine(e.getCause());
    if (message.startsWith("No provided certificate identities matched")
        || message.startsWith("Could not verify certificate identities")) {
      return new SignatureRejected(UNTRUSTED_IDENTITY, "the certificate's identity " + shown(san(leaf))
          + " (issuer " + shown(issuer(leaf)) + ") matches none of the " + identities.size()
          + " identities the platform policy trusts for keyless signatures");
    }
    if (message.startsWith("Fulcio certificate was not valid")) {
      return new SignatureRejected(UNTRUSTED_IDENTITY, "the signing certificate does not chain to a Fulcio CA of the"
          + " trusted root, or carries no valid SCT: " + firstLine(e).replaceFirst("^Fulcio certificate was not valid: ", ""));
    }
    if (message.startsWith("Provided artifact digest does not match")) {
      return new SignatureRejected(statementDigest ? SUBJECT_DIGEST_MISMATCH : ARTIFACT_DIGEST_MISMATCH,
          "the artifact is not the one the keyless bundle signed");
    }
    if (message.startsWith("RFC3161")) {
      return new SignatureRejected(KEY_NOT_VALID_AT_SIGNING_TIME, "an RFC 3161 timestamp of the bundle does not"
          + " verify against the trusted root's timestamp authorities, or lies outside the certificate's validity: "
          + firstLine(e).replaceFirst("^RFC3161 timestamp verification failed: ", ""));
    }
    if (message.startsWith("Transparency log entry could not be verified")) {
      return new SignatureRejected(SIGNATURE_INVALID, "the Rekor entry does not verify against the trusted root's"
          + " logs (inclusion proof, checkpoint or signed entry timestamp)" + cause);
    }
    return new SignatureRejected(SIGNATURE_INVALID, "the keyless signature does not verify: " + firstLine(e) + cause);
  }

  private static String print(Bundle bundle) {
    try {
      return JsonFormat.printer().print(bundle);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render a bundle as JSON", e);
    }
  }
}
