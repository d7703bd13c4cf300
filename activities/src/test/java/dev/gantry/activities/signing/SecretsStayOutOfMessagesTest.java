package dev.gantry.activities.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signer strings and key-file errors end up in logs and the Temporal UI: no private key bytes, ever. */
class SecretsStayOutOfMessagesTest {
  private static final String PASSWORD = "pw-that-must-not-leak-41";

  @TempDir Path dir;
  private final KeyPair keyPair = KeyFiles.generate();

  @Test
  void signersDoNotShowTheirKey() {
    Path pkcs8 = dir.resolve("release.key");
    KeyFiles.writePrivateKeyPem(keyPair.getPrivate(), pkcs8);
    Path encrypted = dir.resolve("cosign.key");
    KeyFiles.writeCosignEncrypted(keyPair, PASSWORD.toCharArray(), encrypted);

    assertNoSecrets(KeyFiles.loadSigner(pkcs8, null).toString());
    assertNoSecrets(KeyFiles.loadSigner(encrypted, PASSWORD.toCharArray()).toString());
    assertNoSecrets(new LocalKeySigner(keyPair).toString());
  }

  @Test
  void keyFileErrorsDoNotQuoteTheKey() throws Exception {
    Path encrypted = dir.resolve("cosign.key");
    KeyFiles.writeCosignEncrypted(keyPair, PASSWORD.toCharArray(), encrypted);
    byte[] der = keyPair.getPrivate().getEncoded();
    // Real key bytes in broken envelopes: truncated DER, a bad base64 character, a missing END line.
    Path truncatedDer = Files.writeString(dir.resolve("truncated.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(Arrays.copyOf(der, der.length - 5)) + "\n-----END PRIVATE KEY-----\n");
    Path badBase64 = Files.writeString(dir.resolve("bad64.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(der).replaceFirst(".$", "!") + "\n-----END PRIVATE KEY-----\n");
    Path noEnd = Files.writeString(dir.resolve("noend.key"), "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(der) + "\n");
    Path sec1WithoutCurve = Files.writeString(dir.resolve("sec1.key"), "-----BEGIN EC PRIVATE KEY-----\n"
        + Base64.getEncoder().encodeToString(new org.bouncycastle.asn1.sec.ECPrivateKey(256,
            ((ECPrivateKey) keyPair.getPrivate()).getS()).getEncoded()) + "\n-----END EC PRIVATE KEY-----\n");

    List<Throwable> failures = new ArrayList<>();
    failures.add(catchThrowable(() -> KeyFiles.loadSigner(encrypted, "wrong".toCharArray())));
    failures.add(catchThrowable(() -> KeyFiles.loadSigner(truncatedDer, null)));
    failures.add(catchThrowable(() -> KeyFiles.loadSigner(badBase64, null)));
    failures.add(catchThrowable(() -> KeyFiles.loadSigner(noEnd, null)));
    failures.add(catchThrowable(() -> KeyFiles.loadSigner(sec1WithoutCurve, null)));

    assertThat(failures).allSatisfy(failure -> {
      assertThat(failure).isInstanceOf(KeyFileException.class);
      for (Throwable t = failure; t != null; t = t.getCause()) {
        assertNoSecrets(t.toString());
      }
    });
  }

  private void assertNoSecrets(String text) {
    byte[] der = keyPair.getPrivate().getEncoded();
    byte[] scalar = ((ECPrivateKey) keyPair.getPrivate()).getS().toByteArray();
    byte[] d = Arrays.copyOfRange(scalar, Math.max(0, scalar.length - 32), scalar.length);
    HexFormat hex = HexFormat.of();
    assertThat(text)
        .doesNotContain(PASSWORD)
        .doesNotContainIgnoringCase(hex.formatHex(d))
        .doesNotContainIgnoringCase(hex.formatHex(der).substring(0, 64))
        .doesNotContain(Base64.getEncoder().encodeToString(d).substring(0, 20))
        // The first 24 base64 characters of PKCS#8 are the same for every P-256 key; the key follows them.
        .doesNotContain(Base64.getEncoder().encodeToString(der).substring(48, 80));
  }
}
