package dev.gantry.activities.signing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.signing.SignatureRejected.Reason;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** A private CA (root, intermediate, short-lived code-signing leaf) made with BouncyCastle. */
class CertificateChainsTest {
  private static final Instant ISSUED = Instant.parse("2026-03-01T10:00:00Z");

  private final KeyPair rootKey = KeyFiles.generate();
  private final KeyPair intermediateKey = KeyFiles.generate();
  private final X509Certificate root = ca("CN=Gantry Test Root", "CN=Gantry Test Root", rootKey, rootKey);
  private final X509Certificate intermediate = ca("CN=Gantry Test Intermediate", "CN=Gantry Test Root",
      intermediateKey, rootKey);
  private final X509Certificate leaf = certificate("CN=ci@example.com", "CN=Gantry Test Intermediate",
      KeyFiles.generate(), intermediateKey, ISSUED, ISSUED.plus(Duration.ofMinutes(10)), false);

  @Test
  void acceptsAChainToTheTrustedRootAtSigningTime() {
    assertThatCode(() -> CertificateChains.verify(leaf, List.of(intermediate), root, ISSUED.plusSeconds(60)))
        .doesNotThrowAnyException();
  }

  @Test
  void rejectsAChainWithoutItsIntermediate() {
    assertUntrusted(() -> CertificateChains.verify(leaf, List.of(), root, ISSUED.plusSeconds(60)));
  }

  @Test
  void rejectsAnotherRoot() {
    KeyPair otherKey = KeyFiles.generate();
    X509Certificate otherRoot = ca("CN=Gantry Test Root", "CN=Gantry Test Root", otherKey, otherKey);

    assertUntrusted(() -> CertificateChains.verify(leaf, List.of(intermediate), otherRoot, ISSUED.plusSeconds(60)));
  }

  @Test
  void rejectsASignatureMadeAfterTheLeafExpired() {
    assertUntrusted(() -> CertificateChains.verify(leaf, List.of(intermediate), root, ISSUED.plus(Duration.ofHours(1))))
        .hasMessageContaining("CN=ci@example.com");
  }

  @Test
  void rejectsALeafIssuedByACertificateThatIsNoCa() {
    KeyPair impostorKey = KeyFiles.generate();
    X509Certificate impostor = certificate("CN=Gantry Test Intermediate", "CN=Gantry Test Root", impostorKey,
        rootKey, ISSUED.minus(Duration.ofDays(1)), ISSUED.plus(Duration.ofDays(1)), false);
    X509Certificate forged = certificate("CN=ci@example.com", "CN=Gantry Test Intermediate", KeyFiles.generate(),
        impostorKey, ISSUED, ISSUED.plus(Duration.ofMinutes(10)), false);

    assertUntrusted(() -> CertificateChains.verify(forged, List.of(impostor), root, ISSUED.plusSeconds(60)));
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertUntrusted(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    return assertThatThrownBy(call).isInstanceOfSatisfying(SignatureRejected.class,
        e -> org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_IDENTITY));
  }

  private static X509Certificate ca(String subject, String issuer, KeyPair subjectKey, KeyPair issuerKey) {
    return certificate(subject, issuer, subjectKey, issuerKey, ISSUED.minus(Duration.ofDays(365)),
        ISSUED.plus(Duration.ofDays(365)), true);
  }

  private static X509Certificate certificate(String subject, String issuer, KeyPair subjectKey, KeyPair issuerKey,
      Instant notBefore, Instant notAfter, boolean ca) {
    try {
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
          BigInteger.valueOf(System.nanoTime()), Date.from(notBefore), Date.from(notAfter), new X500Name(subject),
          subjectKey.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_codeSigning));
      }
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
