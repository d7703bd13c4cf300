package dev.gantry.activities.signing;

import static dev.gantry.activities.signing.KeyFilesTest.verifies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.activities.support.MotoServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/** {@link KmsSigner} against moto's KMS, with the signatures checked by the JDK and by real cosign. */
class KmsSignerTest {
  private static final String REGION = "eu-west-1";
  private static final byte[] PAYLOAD = "{\"payloadType\":\"application/vnd.in-toto+json\"}"
      .getBytes(StandardCharsets.UTF_8);
  private static MotoServer moto;

  @TempDir Path dir;
  private KmsClient kms;

  @BeforeAll
  static void startMoto() {
    moto = MotoServer.start();
  }

  @AfterAll
  static void stopMoto() {
    if (moto != null) {
      moto.close();
    }
  }

  @BeforeEach
  void setUp() {
    moto.reset();
    kms = KmsClients.create(REGION, moto.endpoint(), moto.credentials());
  }

  @AfterEach
  void tearDown() {
    kms.close();
  }

  @Test
  void signatureVerifiesWithThePublicKeyFromKmsAndWithCosign() throws Exception {
    KeyMetadata key = createKey(KeySpec.ECC_NIST_P256);
    Signer signer = KmsSigner.sendingRawMessages(kms, key.arn());

    byte[] signature = signer.sign(PAYLOAD);

    PublicKey fromKms = KeyFiles.publicKeyFromDer(
        kms.getPublicKey(r -> r.keyId(key.keyId())).publicKey().asByteArray(), "test");
    assertThat(signer.publicKey()).isEqualTo(fromKms);
    assertThat(signer.keyId()).isEqualTo(KeyIds.of(fromKms));
    assertThat(verifies(fromKms, PAYLOAD, signature)).isTrue();

    Path blob = Files.write(dir.resolve("payload.json"), PAYLOAD);
    Path sig = Files.writeString(dir.resolve("payload.json.sig"), Base64.getEncoder().encodeToString(signature));
    Path pub = dir.resolve("pub.pem");
    KeyFiles.writePublicKeyPem(signer.publicKey(), pub);
    CosignCli.Result verified = new CosignCli(dir).verifyBlob(pub, sig, blob);
    assertThat(verified.exitCode()).as(verified.output()).isZero();
  }

  @Test
  void signsThroughAnAlias() throws Exception {
    KeyMetadata key = createKey(KeySpec.ECC_NIST_P256);
    kms.createAlias(r -> r.aliasName("alias/release-signing").targetKeyId(key.keyId()));

    Signer signer = KmsSigner.sendingRawMessages(kms, "alias/release-signing");

    assertThat(verifies(signer.publicKey(), PAYLOAD, signer.sign(PAYLOAD))).isTrue();
  }

  /**
   * moto 5.2.5 ignores MessageType DIGEST and signs SHA-256 of the digest. Whatever the KMS does, a
   * signature that does not verify must never leave the signer.
   */
  @Test
  void aSignatureThatDoesNotVerifyIsNeverHandedOut() throws Exception {
    Signer digestSigner = new KmsSigner(kms, createKey(KeySpec.ECC_NIST_P256).keyId());

    byte[] signature;
    try {
      signature = digestSigner.sign(PAYLOAD);
    } catch (IllegalStateException refused) {
      assertThat(refused).hasMessageContaining("does not verify").hasMessageContaining("sendingRawMessages");
      return;
    }
    assertThat(verifies(digestSigner.publicKey(), PAYLOAD, signature)).isTrue();
  }

  @Test
  void rawMessagesAboveTheKmsLimitAreRefusedBeforeTheCall() {
    Signer signer = KmsSigner.sendingRawMessages(kms, createKey(KeySpec.ECC_NIST_P256).keyId());

    assertThatThrownBy(() -> signer.sign(new byte[KmsSigner.RAW_MESSAGE_LIMIT + 1]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 4096 bytes");
  }

  @Test
  void refusesAKeyThatIsNotEcdsaP256() {
    Signer signer = new KmsSigner(kms, createKey(KeySpec.RSA_2048).keyId());

    assertThatThrownBy(signer::publicKey)
        .isInstanceOf(KeyFileException.class)
        .hasMessageContaining("ECDSA_SHA_256")
        .hasMessageContaining("ECC_NIST_P256");
  }

  @Test
  void awsKmsUrisOpenAKmsSignerInTheArnsRegion() {
    KeyMetadata key = createKey(KeySpec.ECC_NIST_P256);
    kms.createAlias(r -> r.aliasName("alias/release-signing").targetKeyId(key.keyId()));
    List<String> regionsAsked = new ArrayList<>();

    Signer byArn = Signers.open("awskms:///" + key.arn(), null, region -> {
      regionsAsked.add(region);
      return kms;
    });
    Signer byAlias = Signers.open("awskms:///alias/release-signing", null, region -> {
      regionsAsked.add(region);
      return kms;
    });

    assertThat(byArn).isInstanceOf(KmsSigner.class);
    assertThat(byArn.keyId()).isEqualTo(byAlias.keyId());
    assertThat(regionsAsked).containsExactly(REGION, null);
    assertThatThrownBy(() -> Signers.open("awskms://localhost:4566/alias/x", null, region -> kms))
        .hasMessageContaining("endpoint in the awskms URI is not supported");
  }

  @Test
  void anythingElseIsAKeyFile() {
    Path keyFile = dir.resolve("release.key");
    var keyPair = KeyFiles.generate();
    KeyFiles.writePrivateKeyPem(keyPair.getPrivate(), keyFile);

    Signer signer = Signers.open(keyFile.toString(), null, region -> {
      throw new AssertionError("a key file needs no KMS client");
    });

    assertThat(signer.publicKey()).isEqualTo(keyPair.getPublic());
  }

  private KeyMetadata createKey(KeySpec spec) {
    return kms.createKey(r -> r.keySpec(spec).keyUsage(KeyUsageType.SIGN_VERIFY)).keyMetadata();
  }
}
