package dev.gantry.workflows.api.approval;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.gantry.workflows.api.input.MessageLimits;
import dev.gantry.workflows.api.input.Names;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Signed actor tokens: a compact JWS (ES256, {@code typ: gantry-actor+jwt}) by which a person or a
 * service proves that it, and not whoever typed its name, sends one message to one release.
 *
 * <p>Claims: {@code aud} binds the token to (release id, environment, artifact digest), see
 * {@link #audience}; {@code act} is the action ({@code approve}, {@code override}, ...), {@code det} what
 * the action is about where it matters (the gate overridden, the change ticket and state, the freeze
 * period); {@code sub} the actor's name in the policy's directory; {@code iat}, {@code nbf}, {@code exp} in
 * epoch seconds; {@code jti} a one-time id that the release remembers.
 *
 * <p>{@link #verify} is pure computation with the time it is given (workflow time): it never reads the
 * system clock (nimbus's default claims verifier does; it is not used), so it is safe in workflow code.
 */
public final class ActorTokens {
  public static final String TYPE = "gantry-actor+jwt";
  /** The audience's environment for messages about the whole release (request, pause, resume). */
  public static final String WHOLE_RELEASE = "*";
  /** How far a token's iat and nbf may be ahead of workflow time (clocks differ). */
  public static final long SKEW_SECONDS = 60;
  /** The default and the ceiling of a policy's {@code maxTokenLifetime}. */
  public static final long DEFAULT_MAX_LIFETIME_SECONDS = 3_600;

  public static final String REQUEST = "request";
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  public static final String OVERRIDE = "override";
  public static final String FREEZE = "freeze";
  public static final String CAB_DECISION = "cab-decision";
  public static final String PAUSE = "pause";
  public static final String RESUME = "resume";
  public static final String ABORT = "abort";
  /** An environment rollback ({@code EnvironmentRollback}), audience {@code gantry:<release>:<env>:<digest>}. */
  public static final String ROLLBACK = "rollback";
  /**
   * A drain of one region by the environment's traffic owner: audience
   * {@code gantry:traffic/<app>/<dns name>:<env>:-} ({@link #NO_ARTIFACT}), detail the region.
   */
  public static final String DRAIN = "drain";
  /** A failback approval to the traffic owner, audience and detail as for {@link #DRAIN}. */
  public static final String FAILBACK = "failback";
  /**
   * An approval to destroy an environment: audience {@code gantry:env-destroy/<app>/<env>:<env>:-} (the destroy's
   * workflow id), no detail.
   */
  public static final String DESTROY = "destroy";
  /** An approval to re-apply a drifted environment's configuration: audience the drift check's workflow id. */
  public static final String REMEDIATE = "remediate";
  /** Stopping the traffic owner (automatic failover ends), audience as for {@link #DRAIN}, no detail. */
  public static final String STOP = "stop";
  public static final List<String> ACTIONS = List.of(REQUEST, APPROVE, REJECT, OVERRIDE, FREEZE, CAB_DECISION,
      PAUSE, RESUME, ABORT, ROLLBACK, DRAIN, FAILBACK, DESTROY, REMEDIATE, STOP);
  /** The audience's digest of messages about traffic, which concern no artifact. */
  public static final String NO_ARTIFACT = "-";

  private ActorTokens() {}

  /** What a token says. Times in epoch seconds; {@code detail} may be null. */
  public record Claims(String releaseId, String environment, String digest, String action, String detail,
      String subject, long issuedAt, long notBefore, long expiresAt, String id) {}

  /** What a release expects of one message's token. {@code detail} null: the message has none. */
  public record Expected(String releaseId, String environment, String digest, String action, String detail,
      String subject) {}

  /**
   * The outcome of a check: {@code problem} null when the token is good, then {@code id} is its jti,
   * {@code expiresAt} its exp (epoch seconds) and {@code keyThumbprint} the signer's key (RFC 7638).
   */
  public record Verdict(String problem, String id, long expiresAt, String keyThumbprint) {
    static Verdict refused(String problem) {
      return new Verdict(problem, null, 0, null);
    }

    public boolean good() {
      return problem == null;
    }
  }

  /** {@code gantry:<release id>:<environment or *>:<digest>}. */
  public static String audience(String releaseId, String environment, String digest) {
    return "gantry:" + releaseId + ":" + (environment == null ? WHOLE_RELEASE : environment) + ":" + digest;
  }

  /** Signs the claims with an EC P-256 private key (ES256); the header names the key by its thumbprint. */
  public static String mint(Claims claims, PrivateKey key, String publicKeyPem) throws GeneralSecurityException {
    if (!(key instanceof ECPrivateKey ecKey)) {
      throw new GeneralSecurityException("the signing key is not an EC P-256 private key");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("aud", audience(claims.releaseId(), claims.environment(), claims.digest()));
    body.put("sub", claims.subject());
    body.put("act", claims.action());
    if (claims.detail() != null) {
      body.put("det", claims.detail());
    }
    body.put("iat", claims.issuedAt());
    body.put("nbf", claims.notBefore());
    body.put("exp", claims.expiresAt());
    body.put("jti", claims.id());
    JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(new JOSEObjectType(TYPE));
    if (publicKeyPem != null) {
      header.keyID(thumbprint(publicKeyPem));
    }
    JWSObject jws = new JWSObject(header.build(), new Payload(body));
    try {
      jws.sign(new ECDSASigner(ecKey));
    } catch (JOSEException e) {
      throw new GeneralSecurityException("cannot sign: " + e.getMessage(), e);
    }
    return jws.serialize();
  }

  /** The RFC 7638 SHA-256 thumbprint of an EC public key (SPKI PEM): the key's identity. */
  public static String thumbprint(String publicKeyPem) throws GeneralSecurityException {
    try {
      return ecKey(publicKeyPem).computeThumbprint().toString();
    } catch (JOSEException e) {
      throw new GeneralSecurityException("cannot compute the key's thumbprint", e);
    }
  }

  /** The thumbprint, or null if the PEM is not an EC P-256 public key. */
  public static String thumbprintOrNull(String publicKeyPem) {
    try {
      return publicKeyPem == null ? null : thumbprint(publicKeyPem);
    } catch (GeneralSecurityException | RuntimeException e) {
      return null;
    }
  }

  private static ECKey ecKey(String publicKeyPem) throws GeneralSecurityException {
    if (!(ApprovalTokens.publicKey(publicKeyPem) instanceof ECPublicKey ec)) {
      throw new GeneralSecurityException("not an EC public key");
    }
    return new ECKey.Builder(Curve.P_256, ec).build();
  }

  /**
   * Checks a token; never echoes it. Every refusal names the field and how to get a good token.
   *
   * @param publicKeyPem       the key the policy names for {@code expected.subject()}, or null
   * @param nowEpochSeconds    workflow time
   * @param maxLifetimeSeconds the longest exp - iat policy allows
   */
  public static Verdict verify(String token, String publicKeyPem, Expected expected, long nowEpochSeconds,
      long maxLifetimeSeconds) {
    String fix = " (mint one with `gantry approval-token`, or let the CLI sign with your profile's signingKey)";
    if (publicKeyPem == null || publicKeyPem.isBlank()) {
      return Verdict.refused(who(expected.subject()) + " has no key registered in the platform policy's"
          + " approvers directory: ask the platform team to add publicKey for them");
    }
    if (token == null || token.isBlank()) {
      return Verdict.refused("field 'token' is missing: this release requires every " + expected.action()
          + " to be signed by the sender's key registered in the platform policy" + fix);
    }
    if (token.length() > MessageLimits.TOKEN) {
      return Verdict.refused("field 'token' is longer than " + MessageLimits.TOKEN + " characters");
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(token.trim());
    } catch (ParseException | RuntimeException e) {
      return Verdict.refused("field 'token' is not a compact JWS (header.payload.signature)" + fix);
    }
    if (!JWSAlgorithm.ES256.equals(jws.getHeader().getAlgorithm())) {
      return Verdict.refused("field 'token' must be signed with ES256" + fix);
    }
    if (jws.getHeader().getCriticalParams() != null && !jws.getHeader().getCriticalParams().isEmpty()) {
      return Verdict.refused("field 'token' has critical header parameters this release does not understand");
    }
    String thumbprint;
    try {
      ECKey key = ecKey(publicKeyPem);
      thumbprint = key.computeThumbprint().toString();
      if (!jws.verify(new ECDSAVerifier(key))) {
        return Verdict.refused("field 'token' is not signed by the key registered for "
            + who(expected.subject()) + ": sign with that person's or service's own key" + fix);
      }
    } catch (GeneralSecurityException | JOSEException | RuntimeException e) {
      return Verdict.refused("field 'token' is not signed by the key registered for "
          + who(expected.subject()) + fix);
    }
    Map<String, Object> claims = jws.getPayload().toJSONObject();
    if (claims == null) {
      return Verdict.refused("field 'token' carries no JSON claims" + fix);
    }
    String wantedAudience = audience(expected.releaseId(), expected.environment(), expected.digest());
    if (!wantedAudience.equals(claims.get("aud"))) {
      return Verdict.refused("the token is for another release, environment or artifact (aud "
          + Names.shown(String.valueOf(claims.get("aud"))) + "), not '" + wantedAudience + "'" + fix);
    }
    if (!expected.action().equals(claims.get("act"))) {
      return Verdict.refused("the token is for action " + Names.shown(String.valueOf(claims.get("act")))
          + ", not '" + expected.action() + "'" + fix);
    }
    Object detail = claims.get("det");
    if (expected.detail() == null ? detail != null : !expected.detail().equals(detail)) {
      return Verdict.refused("the token is for " + Names.shown(String.valueOf(detail)) + ", not '"
          + expected.detail() + "'" + fix);
    }
    if (!expected.subject().equals(claims.get("sub"))) {
      return Verdict.refused("the token's subject " + Names.shown(String.valueOf(claims.get("sub")))
          + " is not the sender '" + expected.subject() + "'" + fix);
    }
    Long issuedAt = seconds(claims.get("iat"));
    Long notBefore = seconds(claims.get("nbf"));
    Long expiresAt = seconds(claims.get("exp"));
    Object id = claims.get("jti");
    if (issuedAt == null || expiresAt == null) {
      return Verdict.refused("the token needs numeric iat and exp claims" + fix);
    }
    if (!(id instanceof String jti) || jti.isBlank() || jti.length() > 128) {
      return Verdict.refused("the token needs a one-time id (jti, at most 128 characters)" + fix);
    }
    if (expiresAt - issuedAt > maxLifetimeSeconds) {
      return Verdict.refused("the token lives " + (expiresAt - issuedAt) + " s, longer than the policy's"
          + " maxTokenLifetime of " + maxLifetimeSeconds + " s: mint one with a shorter lifetime");
    }
    if (expiresAt <= issuedAt) {
      return Verdict.refused("the token expires before it is issued" + fix);
    }
    if (nowEpochSeconds >= expiresAt) {
      return Verdict.refused("the token expired: mint a new one" + fix);
    }
    if (issuedAt > nowEpochSeconds + SKEW_SECONDS
        || (notBefore != null && notBefore > nowEpochSeconds + SKEW_SECONDS)) {
      return Verdict.refused("the token is not valid yet (iat or nbf in the future): check your clock");
    }
    return new Verdict(null, jti, expiresAt, thumbprint);
  }

  private static String who(String name) {
    return Names.isPerson(name) ? name : Names.shown(name);
  }

  private static Long seconds(Object value) {
    return value instanceof Number number && !(value instanceof Double) && !(value instanceof Float)
        ? number.longValue() : null;
  }
}
