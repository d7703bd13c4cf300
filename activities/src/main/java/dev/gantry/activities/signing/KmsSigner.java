package dev.gantry.activities.signing;

import dev.gantry.workflows.api.artifact.Sha256;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Signs with an AWS KMS key ({@code ECC_NIST_P256}, {@code ECDSA_SHA_256}); the private key never leaves
 * KMS. The message is hashed here and only its SHA-256 is sent ({@code MessageType.DIGEST}), so a 1 GiB
 * artifact costs one 32-byte request.
 *
 * <p>Every signature KMS returns is verified with the key's public key before it is handed out: a wrong
 * key, or an emulator that signs something else, fails at signing time instead of at the release gate.
 */
public final class KmsSigner implements Signer {
  /** KMS refuses RAW messages above 4096 bytes. */
  static final int RAW_MESSAGE_LIMIT = 4096;

  private final KmsClient kms;
  private final String keyRef;
  private final MessageType messageType;
  private volatile PublicKey publicKey;

  /** {@code keyRef}: a key id, key ARN, alias name ({@code alias/release}) or alias ARN. */
  public KmsSigner(KmsClient kms, String keyRef) {
    this(kms, keyRef, MessageType.DIGEST);
  }

  private KmsSigner(KmsClient kms, String keyRef, MessageType messageType) {
    this.kms = kms;
    this.keyRef = keyRef;
    this.messageType = messageType;
  }

  /**
   * For KMS emulators that ignore {@code MessageType.DIGEST} (moto 5.2 hashes the digest again): sends the
   * message itself, so only messages up to 4096 bytes (a bundle's payload, never an artifact) can be signed.
   */
  public static KmsSigner sendingRawMessages(KmsClient kms, String keyRef) {
    return new KmsSigner(kms, keyRef, MessageType.RAW);
  }

  @Override
  public String keyId() {
    return KeyIds.of(publicKey());
  }

  @Override
  public PublicKey publicKey() {
    PublicKey known = publicKey;
    if (known == null) {
      // A racing second fetch is harmless: both read the same immutable key.
      known = fetchPublicKey();
      publicKey = known;
    }
    return known;
  }

  @Override
  public byte[] sign(byte[] message) {
    if (messageType == MessageType.DIGEST) {
      return signDigest(Sha256.bytes(message));
    }
    return checked(message, kmsSign(requireSmall(message)), "SHA256withECDSA");
  }

  /** Only the digest travels: a 1 GiB artifact is hashed here while streaming, once. */
  @Override
  public byte[] signDigest(byte[] sha256) {
    if (messageType != MessageType.DIGEST) {
      throw new IllegalArgumentException("this KMS signer sends RAW messages (for emulators) and cannot sign a"
          + " precomputed digest; artifacts of any size need new KmsSigner(client, key)");
    }
    return checked(sha256, kmsSign(sha256), "NONEwithECDSA");
  }

  private byte[] kmsSign(byte[] sent) {
    return kms.sign(request -> request.keyId(keyRef)
            .message(SdkBytes.fromByteArray(sent))
            .messageType(messageType)
            .signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
        .signature().asByteArray();
  }

  private byte[] checked(byte[] signed, byte[] signature, String algorithm) {
    if (!verifies(algorithm, signed, signature)) {
      throw new IllegalStateException("KMS key " + keyRef + " returned a signature that does not verify with"
          + " its public key (MessageType " + messageType + "); an emulator that ignores MessageType DIGEST"
          + " needs KmsSigner.sendingRawMessages");
    }
    return signature;
  }

  private PublicKey fetchPublicKey() {
    GetPublicKeyResponse response = kms.getPublicKey(request -> request.keyId(keyRef));
    String source = "KMS key " + keyRef;
    if (response.keyUsage() != KeyUsageType.SIGN_VERIFY
        || !response.signingAlgorithms().contains(SigningAlgorithmSpec.ECDSA_SHA_256)) {
      throw new KeyFileException(source, "is not a signing key with ECDSA_SHA_256 (usage " + response.keyUsage()
          + ", algorithms " + response.signingAlgorithmsAsStrings() + "); create it with KeySpec ECC_NIST_P256"
          + " and KeyUsage SIGN_VERIFY");
    }
    return KeyFiles.publicKeyFromDer(response.publicKey().asByteArray(), source);
  }

  private boolean verifies(String algorithm, byte[] message, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey());
      verifier.update(message);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private byte[] requireSmall(byte[] message) {
    if (message.length > RAW_MESSAGE_LIMIT) {
      throw new IllegalArgumentException("KMS signs RAW messages of at most " + RAW_MESSAGE_LIMIT + " bytes, this"
          + " one has " + message.length + "; sign with new KmsSigner(client, key) which sends the digest");
    }
    return message;
  }

  @Override
  public String toString() {
    return "KmsSigner[key=" + keyRef + ", messageType=" + messageType + "]";
  }
}
