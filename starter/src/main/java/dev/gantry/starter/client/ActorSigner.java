package dev.gantry.starter.client;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalTokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Signs what this client sends to a release with the actor's own key, like {@code git commit -S}: a JWS
 * ({@link ActorTokens}) bound to the release, environment, artifact digest and action, short-lived, with a
 * fresh one-time id. The key is an EC P-256 PKCS#8 PEM file whose public key the platform policy's
 * approvers directory holds for the actor's name. The key never leaves this process and is never shown.
 */
public final class ActorSigner {
  /** Tokens the client makes for itself are used at once: a few minutes is plenty. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  private final PrivateKey key;
  private final String source;
  private final Duration lifetime;

  private ActorSigner(PrivateKey key, String source, Duration lifetime) {
    this.key = key;
    this.source = source;
    this.lifetime = lifetime;
  }

  /** Reads the key; a problem names the file and its kind, never its contents. */
  public static ActorSigner fromPem(Path file) {
    return fromPem(file, DEFAULT_LIFETIME);
  }

  public static ActorSigner fromPem(Path file, Duration lifetime) {
    if (lifetime.isNegative() || lifetime.isZero()
        || lifetime.getSeconds() > ActorTokens.DEFAULT_MAX_LIFETIME_SECONDS) {
      throw new GantryException("a signed token lives at most PT1H (asked: " + lifetime + ")");
    }
    String pem;
    try {
      pem = Files.readString(file);
    } catch (IOException e) {
      throw new GantryException("cannot read the signing key " + file + " (" + e.getClass().getSimpleName()
          + "): check signingKey in your profile, --signing-key or GANTRY_SIGNING_KEY");
    }
    try {
      return new ActorSigner(ApprovalTokens.privateKey(pem), file.toString(), lifetime);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new GantryException("the signing key " + file + " is not an EC P-256 PKCS#8 PEM private key ("
          + e.getClass().getSimpleName() + "); make one with `openssl genpkey -algorithm EC -pkeyopt"
          + " ec_paramgen_curve:P-256 -out me.key` and give its public key to the platform team");
    }
  }

  public String source() {
    return source;
  }

  /**
   * A token for one message.
   *
   * @param environment null for messages about the whole release (request, pause, resume)
   * @param detail      what the action is about: the gate of an override, {@code <from>..<to>} of a freeze,
   *                    {@code <ticket>:<state>} of a change-board decision; null otherwise
   */
  public String sign(String releaseId, String environment, String digest, String action, String detail,
      String subject) {
    long now = Instant.now().getEpochSecond();
    try {
      return ActorTokens.mint(new ActorTokens.Claims(releaseId, environment, digest, action, detail, subject, now,
          now, now + lifetime.getSeconds(), UUID.randomUUID().toString()), key, null);
    } catch (GeneralSecurityException e) {
      throw new GantryException("cannot sign with " + source + " (" + e.getClass().getSimpleName() + ")");
    }
  }
}
