package dev.gantry.activities.signing;

import dev.gantry.activities.signing.SignatureRejected.Reason;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;

/** PKIX path validation of a signing certificate up to one trusted root, at the signing time. */
public final class CertificateChains {
  private CertificateChains() {}

  /**
   * Accepts {@code leaf} if it chains through {@code intermediates} (leaf's issuer first) to
   * {@code trustedRoot} and every certificate is valid at {@code at}. No revocation checking: short-lived
   * signing certificates (Fulcio's last 10 minutes) are not published in CRLs, and the gate runs offline.
   */
  public static void verify(X509Certificate leaf, List<X509Certificate> intermediates, X509Certificate trustedRoot,
      Instant at) {
    List<X509Certificate> path = new ArrayList<>();
    path.add(leaf);
    path.addAll(intermediates);
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(trustedRoot, null)));
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      String culprit = e.getIndex() >= 0 && e.getIndex() < path.size()
          ? " at " + path.get(e.getIndex()).getSubjectX500Principal().getName() : "";
      throw new SignatureRejected(Reason.UNTRUSTED_IDENTITY, "certificate " + leaf.getSubjectX500Principal().getName()
          + " does not chain to trusted root " + trustedRoot.getSubjectX500Principal().getName() + " at " + at
          + culprit + ": " + e.getReason() + " (" + e.getMessage() + ")", e);
    } catch (GeneralSecurityException e) {
      throw new SignatureRejected(Reason.UNTRUSTED_IDENTITY, "certificate chain of "
          + leaf.getSubjectX500Principal().getName() + " cannot be checked: " + e.getMessage(), e);
    }
  }
}
