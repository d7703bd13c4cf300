package dev.gantry.activities.signing;

import dev.gantry.activities.support.BoundedFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * ECDSA P-256 key files in the formats cosign reads and writes: PKCS#8 and SEC1 PEM, cosign's encrypted
 * key ({@code ENCRYPTED SIGSTORE PRIVATE KEY}, and the older {@code ENCRYPTED COSIGN PRIVATE KEY}) and
 * {@code cosign.pub}. Every failure is a {@link KeyFileException} that names the file and the fix.
 */
public final class KeyFiles {
  private static final String PKCS8 = "PRIVATE KEY";
  private static final String SEC1 = "EC PRIVATE KEY";
  private static final String COSIGN_ENCRYPTED = "ENCRYPTED SIGSTORE PRIVATE KEY";
  private static final String COSIGN_ENCRYPTED_OLD = "ENCRYPTED COSIGN PRIVATE KEY";
  private static final String PUBLIC_KEY = "PUBLIC KEY";
  private static final String CURVE = "secp256r1";
  private static final X9ECParameters P256 = ECNamedCurveTable.getByName(CURVE);
  static final long MAX_KEY_FILE_BYTES = 64 * BoundedFiles.KIB;
  private static final Pattern PEM_TYPE = Pattern.compile("[A-Z0-9]+( [A-Z0-9]+){0,5}");

  private KeyFiles() {}

  public static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(CURVE));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate P-256 keys", e);
    }
  }

  /** Unencrypted PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), readable by the owner only. */
  public static void writePrivateKeyPem(PrivateKey key, Path file) {
    AtomicFiles.write(file, pem(PKCS8, key.getEncoded()), true);
  }

  /** cosign's encrypted key file: what {@code cosign generate-key-pair} writes to {@code cosign.key}. */
  public static void writeCosignEncrypted(KeyPair keyPair, char[] password, Path file) {
    writeCosignEncrypted(keyPair.getPrivate(), password, file);
  }

  public static void writeCosignEncrypted(PrivateKey key, char[] password, Path file) {
    byte[] pkcs8 = key.getEncoded();
    try {
      AtomicFiles.write(file, pem(COSIGN_ENCRYPTED, CosignKeyEncryption.encrypt(pkcs8, password)), true);
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  /** As cosign writes {@code cosign.pub}: SPKI DER in a {@code PUBLIC KEY} block. */
  public static void writePublicKeyPem(PublicKey key, Path file) {
    AtomicFiles.write(file, publicKeyPem(key).getBytes(StandardCharsets.US_ASCII), false);
  }

  public static String publicKeyPem(PublicKey key) {
    return new String(pem(PUBLIC_KEY, key.getEncoded()), StandardCharsets.US_ASCII);
  }

  public static PublicKey readPublicKey(Path file) {
    return publicKeyFrom(readPem(read(file), file.toString()), file.toString());
  }

  public static PublicKey parsePublicKeyPem(String pem) {
    String source = "public key PEM";
    return publicKeyFrom(readPem(pem, source), source);
  }

  /**
   * A signer for a private key file in any of the formats above. {@code password} is needed for the
   * encrypted formats only and may be null otherwise.
   */
  public static Signer loadSigner(Path keyFile, char[] password) {
    String source = keyFile.toString();
    PemObject pem = readPem(read(keyFile), source);
    PrivateKeyInfo info = switch (pem.getType()) {
      case PKCS8 -> privateKeyInfo(pem.getContent(), source);
      case SEC1 -> sec1ToPrivateKeyInfo(pem.getContent(), source);
      case COSIGN_ENCRYPTED, COSIGN_ENCRYPTED_OLD -> {
        if (password == null) {
          throw new KeyFileException(source, "is an encrypted cosign key: give its password (e.g. COSIGN_PASSWORD)");
        }
        byte[] pkcs8 = CosignKeyEncryption.decrypt(pem.getContent(), password, source);
        try {
          yield privateKeyInfo(pkcs8, source);
        } finally {
          Arrays.fill(pkcs8, (byte) 0);
        }
      }
      case PUBLIC_KEY -> throw new KeyFileException(source, "is a public key; signing needs the private key"
          + " (cosign.key, not cosign.pub)");
      default -> throw new KeyFileException(source, "holds " + typeOf(pem) + " PEM block; expected "
          + String.join(", ", PKCS8, SEC1, COSIGN_ENCRYPTED));
    };
    requireP256(info.getPrivateKeyAlgorithm(), source);
    PrivateKey privateKey = privateKey(info, source);
    return new LocalKeySigner(new KeyPair(publicKeyOf((ECPrivateKey) privateKey, source), privateKey));
  }

  /** Key files are PEM text of a few hundred bytes; the cap keeps a wrong path from reading a huge file. */
  private static String read(Path file) {
    try {
      return BoundedFiles.readString(file, MAX_KEY_FILE_BYTES);
    } catch (IOException e) {
      throw new KeyFileException(file.toString(), "cannot be read: it " + BoundedFiles.describe(e));
    }
  }

  /** A PEM block's type as messages show it: only when it has the shape of one ("EC PRIVATE KEY"). */
  private static String typeOf(PemObject pem) {
    return PEM_TYPE.matcher(pem.getType()).matches() ? "a '" + pem.getType() + "'" : "another";
  }

  private static PemObject readPem(String text, String source) {
    PemObject pem;
    try (PemReader reader = new PemReader(new StringReader(text))) {
      pem = reader.readPemObject();
    } catch (IOException | RuntimeException e) {
      // No cause: the parser's message may quote the file's content.
      throw new KeyFileException(source, "is not valid PEM (garbled base64 or missing END line)");
    }
    if (pem == null) {
      throw new KeyFileException(source, "holds no PEM block (-----BEGIN ...-----)");
    }
    return pem;
  }

  private static PublicKey publicKeyFrom(PemObject pem, String source) {
    if (!PUBLIC_KEY.equals(pem.getType())) {
      throw new KeyFileException(source, "holds " + typeOf(pem) + " PEM block; expected PUBLIC KEY (cosign.pub)");
    }
    return publicKeyFromDer(pem.getContent(), source);
  }

  /** A P-256 public key from SPKI DER (a PEM body, or what KMS GetPublicKey answers). */
  static PublicKey publicKeyFromDer(byte[] spki, String source) {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(spki);
    } catch (RuntimeException e) {
      throw new KeyFileException(source, "the public key is not SubjectPublicKeyInfo DER");
    }
    requireP256(info.getAlgorithm(), source);
    try {
      return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException e) {
      throw new KeyFileException(source, "the public key is not a valid P-256 point");
    }
  }

  private static PrivateKeyInfo privateKeyInfo(byte[] der, String source) {
    try {
      return PrivateKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new KeyFileException(source, "the private key is not PKCS#8 DER");
    }
  }

  /** OpenSSL's {@code EC PRIVATE KEY} (RFC 5915) wrapped as PKCS#8 so one path reads both. */
  private static PrivateKeyInfo sec1ToPrivateKeyInfo(byte[] der, String source) {
    org.bouncycastle.asn1.sec.ECPrivateKey sec1;
    try {
      sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(der);
    } catch (RuntimeException e) {
      throw new KeyFileException(source, "the EC PRIVATE KEY block is not SEC1 DER");
    }
    ASN1Encodable curve = sec1.getParametersObject();
    if (curve == null) {
      throw new KeyFileException(source, "the EC PRIVATE KEY names no curve; write it with the curve"
          + " (openssl ec -param_enc named_curve)");
    }
    try {
      return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), sec1);
    } catch (IOException e) {
      throw new KeyFileException(source, "the EC PRIVATE KEY cannot be re-encoded as PKCS#8");
    }
  }

  private static void requireP256(AlgorithmIdentifier algorithm, String source) {
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())) {
      throw new KeyFileException(source, "is not an EC key (algorithm " + algorithm.getAlgorithm() + "); Gantry"
          + " signs with ECDSA P-256: create one with 'cosign generate-key-pair'");
    }
    if (!SECObjectIdentifiers.secp256r1.equals(algorithm.getParameters())) {
      throw new KeyFileException(source, "is an EC key on curve " + algorithm.getParameters() + ", not P-256"
          + " (1.2.840.10045.3.1.7); create one with 'cosign generate-key-pair'");
    }
  }

  private static PrivateKey privateKey(PrivateKeyInfo info, String source) {
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (GeneralSecurityException | IOException e) {
      throw new KeyFileException(source, "the private key is not a valid P-256 key");
    }
  }

  /** Q = d·G: PKCS#8 from the JDK carries no public key, and the signer must know its key id. */
  private static PublicKey publicKeyOf(ECPrivateKey privateKey, String source) {
    BigInteger d = privateKey.getS();
    if (d.signum() <= 0 || d.compareTo(P256.getN()) >= 0) {
      throw new KeyFileException(source, "the private key is out of range for P-256");
    }
    ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize();
    java.security.spec.ECPoint w = new java.security.spec.ECPoint(
        q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    try {
      return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, privateKey.getParams()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the public key of a valid P-256 private key", e);
    }
  }

  private static byte[] pem(String type, byte[] der) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
