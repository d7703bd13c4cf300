package dev.gantry.activities.signing;

import dev.sigstore.KeylessVerificationException;
import dev.sigstore.KeylessVerifier;
import dev.sigstore.TrustedRootProvider;
import dev.sigstore.VerificationOptions;
import dev.sigstore.VerificationOptions.CertificateMatcher;
import dev.sigstore.bundle.Bundle;
import dev.sigstore.bundle.BundleParseException;
import dev.sigstore.strings.StringMatcher;
import dev.sigstore.trustroot.SigstoreConfigurationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/**
 * Verifies keyless (Fulcio certificate + Rekor) blob bundles offline with sigstore-java, against a
 * {@code trusted_root.json} the operator provides, and an expected signer identity.
 *
 * <p>Not covered by tests: a real keyless bundle needs an OIDC identity, Fulcio and Rekor, and a faked
 * one would prove nothing.
 */
public final class KeylessBundles {
  private KeylessBundles() {}

  /**
   * @param certIdentity the certificate's subject alternative name (e.g. a workflow URI or an e-mail)
   * @param oidcIssuer the OIDC issuer recorded in the certificate
   */
  public static void verify(Path artifact, Path bundle, Path trustedRootJson, String certIdentity,
      String oidcIssuer) {
    Bundle parsed;
    try {
      parsed = Bundle.from(bundle, StandardCharsets.UTF_8);
    } catch (BundleParseException e) {
      throw new SignatureRejected(SignatureRejected.Reason.MALFORMED,
          "bundle " + bundle + " is not a Sigstore bundle: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read bundle " + bundle + ": " + e.getMessage(), e);
    }
    CertificateMatcher identity = CertificateMatcher.fulcio()
        .subjectAlternativeName(StringMatcher.string(certIdentity))
        .issuer(StringMatcher.string(oidcIssuer))
        .build();
    KeylessVerifier verifier;
    try {
      verifier = KeylessVerifier.builder().trustedRootProvider(TrustedRootProvider.from(trustedRootJson)).build();
    } catch (GeneralSecurityException | SigstoreConfigurationException e) {
      throw new IllegalStateException("cannot load trusted root " + trustedRootJson + ": " + e.getMessage(), e);
    }
    try {
      verifier.verify(artifact, parsed, VerificationOptions.builder().addCertificateMatchers(identity).build());
    } catch (KeylessVerificationException e) {
      // sigstore-java reports an untrusted chain, a wrong identity and a bad signature alike
      throw new SignatureRejected(SignatureRejected.Reason.UNTRUSTED_IDENTITY,
          "keyless bundle " + bundle + " does not verify for " + certIdentity + " (issuer " + oidcIssuer
              + "): " + e.getMessage(), e);
    }
  }
}
