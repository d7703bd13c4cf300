package dev.gantry.activities.signing;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** Signs with a P-256 key pair held in memory. {@link #toString()} never shows the private key. */
public final class LocalKeySigner implements Signer {
  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  public LocalKeySigner(KeyPair keyPair) {
    this.privateKey = keyPair.getPrivate();
    this.publicKey = keyPair.getPublic();
    this.keyId = KeyIds.of(publicKey);
  }

  @Override
  public String keyId() {
    return keyId;
  }

  @Override
  public PublicKey publicKey() {
    return publicKey;
  }

  @Override
  public byte[] sign(byte[] message) {
    try {
      Signature signature = Signature.getInstance("SHA256withECDSA");
      signature.initSign(privateKey);
      signature.update(message);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with key " + keyId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] signDigest(byte[] sha256) {
    if (sha256.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, got " + sha256.length);
    }
    try {
      // NONEwithECDSA signs its input as the hash: over SHA-256(m) it equals SHA256withECDSA over m.
      Signature signature = Signature.getInstance("NONEwithECDSA");
      signature.initSign(privateKey);
      signature.update(sha256);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with key " + keyId + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "LocalKeySigner[keyId=" + keyId + "]";
  }
}
