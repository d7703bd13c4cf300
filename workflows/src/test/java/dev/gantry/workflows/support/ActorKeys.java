package dev.gantry.workflows.support;

import dev.gantry.workflows.api.approval.ActorTokens;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** An EC P-256 key pair of one actor in tests, with its public key as the approvers directory holds it. */
public record ActorKeys(KeyPair pair, String publicKeyPem) {

  public static ActorKeys generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      String pem = "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pair.getPublic().getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
      return new ActorKeys(pair, pem);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token for one message, issued at {@code nowSeconds}, living {@code lifetimeSeconds}. */
  public String token(String releaseId, String environment, String digest, String action, String detail,
      String subject, long nowSeconds, long lifetimeSeconds, String id) {
    try {
      return ActorTokens.mint(new ActorTokens.Claims(releaseId, environment, digest, action, detail, subject,
          nowSeconds, nowSeconds, nowSeconds + lifetimeSeconds, id), pair.getPrivate(), publicKeyPem);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public String thumbprint() {
    return ActorTokens.thumbprintOrNull(publicKeyPem);
  }
}
