package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.KeyFilesTest.verifies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our key files and signatures against the real cosign v2.6.1, offline. */
class CosignInteropTest {
  private static final String PASSWORD = "interop-pw-7d1";

  @TempDir Path dir;
  private CosignCli cosign;
  private Path blob;

  @BeforeEach
  void setUp() throws Exception {
    cosign = new CosignCli(dir);
    blob = Files.writeString(dir.resolve("app-1.4.2.tar.gz"), "release artifact bytes\n");
  }

  @Test
  void cosignVerifiesWhatWeSignWithACosignGeneratedKey() throws Exception {
    generateCosignKeyPair();

    Signer signer = KeyFiles.loadSigner(dir.resolve("cosign.key"), PASSWORD.toCharArray());
    Path sig = writeSignature(signer.sign(Files.readAllBytes(blob)));

    assertThat(cosign.verifyBlob(dir.resolve("cosign.pub"), sig, blob).exitCode()).isZero();
    byte[] tampered = Files.readAllBytes(blob);
    tampered[0] ^= 1;
    Files.write(blob, tampered);
    assertThat(cosign.verifyBlob(dir.resolve("cosign.pub"), sig, blob).exitCode()).isNotZero();
  }

  @Test
  void cosignSignsWithAKeyWeEncrypted() throws Exception {
    var keyPair = KeyFiles.generate();
    Path ours = dir.resolve("ours.key");
    KeyFiles.writeCosignEncrypted(keyPair, PASSWORD.toCharArray(), ours);

    CosignCli.Result signed = cosign.run(PASSWORD, "sign-blob", "--key", ours.toString(), "--tlog-upload=false",
        "--output-signature", "x.sig", blob.toString());

    assertThat(signed.exitCode()).as(signed.output()).isZero();
    byte[] signature = Base64.getDecoder().decode(Files.readString(dir.resolve("x.sig")).trim());
    assertThat(verifies(keyPair.getPublic(), Files.readAllBytes(blob), signature)).isTrue();
    CosignCli.Result publicKey = cosign.run(PASSWORD, "public-key", "--key", ours.toString());
    assertThat(KeyFiles.parsePublicKeyPem(publicKey.output())).isEqualTo(keyPair.getPublic());
  }

  @Test
  void ourKeyIdIsTheHintCosignWritesInABundle() throws Exception {
    generateCosignKeyPair();

    CosignCli.Result signed = cosign.run(PASSWORD, "sign-blob", "--key", "cosign.key", "--tlog-upload=false",
        "--new-bundle-format", "--bundle", "x.sigstore.json", blob.toString());

    assertThat(signed.exitCode()).as(signed.output()).isZero();
    String hint = new ObjectMapper().readTree(dir.resolve("x.sigstore.json").toFile())
        .at("/verificationMaterial/publicKey/hint").asText();
    assertThat(hint).isNotEmpty();
    assertThat(KeyFiles.loadSigner(dir.resolve("cosign.key"), PASSWORD.toCharArray()).keyId()).isEqualTo(hint);
    assertThat(KeyIds.of(KeyFiles.readPublicKey(dir.resolve("cosign.pub")))).isEqualTo(hint);
  }

  @Test
  void wrongPasswordForACosignKeyIsExplainedWithoutThePassword() {
    generateCosignKeyPair();

    assertThatThrownBy(() -> KeyFiles.loadSigner(dir.resolve("cosign.key"), "guess-9f3".toCharArray()))
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("cosign.key")
        .hasMessageContaining("wrong password")
        .hasMessageNotContaining("guess-9f3")
        .hasMessageNotContaining(PASSWORD);
  }

  private void generateCosignKeyPair() {
    CosignCli.Result generated = cosign.run(PASSWORD, "generate-key-pair");
    assertThat(generated.exitCode()).as(generated.output()).isZero();
  }

  private Path writeSignature(byte[] der) throws Exception {
    return Files.writeString(dir.resolve("blob.sig"), Base64.getEncoder().encodeToString(der),
        StandardCharsets.US_ASCII);
  }
}
