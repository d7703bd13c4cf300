package dev.gantry.activities.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFilesTest {
  private static final byte[] MESSAGE = "release 1.4.2".getBytes(StandardCharsets.UTF_8);

  @TempDir Path dir;

  @Test
  void pkcs8PemRoundTripSignsWithTheSameKey() throws Exception {
    KeyPair keyPair = KeyFiles.generate();
    Path keyFile = dir.resolve("release.key");
    KeyFiles.writePrivateKeyPem(keyPair.getPrivate(), keyFile);

    assertThat(Files.readString(keyFile)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
    Signer signer = KeyFiles.loadSigner(keyFile, null);
    assertThat(signer.publicKey()).isEqualTo(keyPair.getPublic());
    assertThat(signer.keyId()).isEqualTo(KeyIds.of(keyPair.getPublic()));
    assertThat(verifies(keyPair.getPublic(), MESSAGE, signer.sign(MESSAGE))).isTrue();
  }

  @Test
  void cosignEncryptedRoundTripNeedsTheSamePassword() throws Exception {
    KeyPair keyPair = KeyFiles.generate();
    Path keyFile = dir.resolve("cosign.key");
    KeyFiles.writeCosignEncrypted(keyPair, "correct horse".toCharArray(), keyFile);

    String pem = Files.readString(keyFile);
    assertThat(pem).startsWith("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n");
    assertThat(pem).doesNotContain(Base64.getEncoder().encodeToString(keyPair.getPrivate().getEncoded()));
    Signer signer = KeyFiles.loadSigner(keyFile, "correct horse".toCharArray());
    assertThat(signer.publicKey()).isEqualTo(keyPair.getPublic());
    assertThat(verifies(keyPair.getPublic(), MESSAGE, signer.sign(MESSAGE))).isTrue();
  }

  @Test
  void publicKeyPemRoundTrip() {
    PublicKey key = KeyFiles.generate().getPublic();
    Path pub = dir.resolve("cosign.pub");
    KeyFiles.writePublicKeyPem(key, pub);

    assertThat(KeyFiles.readPublicKey(pub)).isEqualTo(key);
    assertThat(KeyFiles.parsePublicKeyPem(KeyFiles.publicKeyPem(key))).isEqualTo(key);
  }

  @Test
  void readsOpenSslSec1Keys() throws Exception {
    KeyPair keyPair = KeyFiles.generate();
    // The SEC1 ECPrivateKey is what sits inside PKCS#8's privateKey octet string.
    byte[] sec1 = PrivateKeyInfo.getInstance(keyPair.getPrivate().getEncoded()).parsePrivateKey()
        .toASN1Primitive().getEncoded();
    org.bouncycastle.asn1.sec.ECPrivateKey withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
        org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sec1).getKey(),
        org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp256r1);
    Path keyFile = dir.resolve("openssl.key");
    Files.writeString(keyFile, "-----BEGIN EC PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(withCurve.getEncoded()) + "\n-----END EC PRIVATE KEY-----\n");

    Signer signer = KeyFiles.loadSigner(keyFile, null);
    assertThat(signer.publicKey()).isEqualTo(keyPair.getPublic());
  }

  @Test
  void wrongPasswordNamesTheFileAndTheFixButNotThePassword() {
    Path keyFile = dir.resolve("cosign.key");
    KeyFiles.writeCosignEncrypted(KeyFiles.generate(), "s3cret-passw0rd".toCharArray(), keyFile);

    assertThatThrownBy(() -> KeyFiles.loadSigner(keyFile, "not-the-passw0rd".toCharArray()))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(keyFile.toString())
        .hasMessageContaining("wrong password")
        .hasMessageContaining("COSIGN_PASSWORD")
        .hasMessageNotContaining("not-the-passw0rd")
        .hasMessageNotContaining("s3cret-passw0rd");
  }

  @Test
  void encryptedKeyWithoutPasswordAsksForOne() {
    Path keyFile = dir.resolve("cosign.key");
    KeyFiles.writeCosignEncrypted(KeyFiles.generate(), "pw".toCharArray(), keyFile);

    assertThatThrownBy(() -> KeyFiles.loadSigner(keyFile, null))
        .isInstanceOf(KeyFileException.class).hasMessageContaining("give its password");
  }

  @Test
  void refusesKeysThatAreNotP256() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    Path keyFile = dir.resolve("p384.key");
    KeyFiles.writePrivateKeyPem(generator.generateKeyPair().getPrivate(), keyFile);

    assertThatThrownBy(() -> KeyFiles.loadSigner(keyFile, null))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining(keyFile.toString())
        .hasMessageContaining("not P-256")
        .hasMessageContaining("cosign generate-key-pair");
  }

  @Test
  void refusesRsaPublicKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    String pem = KeyFiles.publicKeyPem(generator.generateKeyPair().getPublic());

    assertThatThrownBy(() -> KeyFiles.parsePublicKeyPem(pem))
        .isInstanceOf(KeyFileException.class).hasMessageContaining("not an EC key");
  }

  @Test
  void garbledFilesGiveAClearErrorWithoutTheirContent() throws Exception {
    Path truncated = dir.resolve("truncated.key");
    Files.writeString(truncated, "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n");
    Path notPem = dir.resolve("notes.txt");
    Files.writeString(notPem, "just some text");
    Path wrongDer = dir.resolve("wrong.key");
    Files.writeString(wrongDer, "-----BEGIN PRIVATE KEY-----\nAAECAwQF\n-----END PRIVATE KEY-----\n");

    assertThatThrownBy(() -> KeyFiles.loadSigner(truncated, null)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining(truncated.toString()).hasMessageNotContaining("MIGHAgEAMBMG");
    assertThatThrownBy(() -> KeyFiles.loadSigner(notPem, null)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("no PEM block");
    assertThatThrownBy(() -> KeyFiles.loadSigner(wrongDer, null)).isInstanceOf(KeyFileException.class)
        .hasMessageContaining("not PKCS#8").hasMessageNotContaining("AAECAwQF");
    assertThatThrownBy(() -> KeyFiles.loadSigner(dir.resolve("missing.key"), null))
        .isInstanceOf(KeyFileException.class).hasMessageContaining("cannot be read");
  }

  @Test
  void aPublicKeyIsNotASigningKey() {
    Path pub = dir.resolve("cosign.pub");
    KeyFiles.writePublicKeyPem(KeyFiles.generate().getPublic(), pub);

    assertThatThrownBy(() -> KeyFiles.loadSigner(pub, null))
        .isInstanceOf(KeyFileException.class).hasMessageContaining("cosign.key, not cosign.pub");
  }

  static boolean verifies(PublicKey key, byte[] message, byte[] derSignature) throws GeneralSecurityException {
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(key);
    verifier.update(message);
    return verifier.verify(derSignature);
  }
}
