package dev.gantry.workflows.api.approval;

import dev.gantry.workflows.api.input.Names;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LEGACY: the approval tokens of releases started before signed actors ({@link ActorTokens}, JWS), kept
 * so that their histories replay as they ran, and for the PEM helpers. New code mints and checks
 * {@link ActorTokens}.
 *
 * <p>Signed approval tokens: {@code base64url(claims) "." base64url(ECDSA-SHA256 signature over claims)}.
 * The claims are a flat JSON object written in a fixed key order:
 * {@code {"releaseId","environment","digest","approver","decision","issuedAt","expiresAt"}}
 * (times in epoch seconds). Verification is pure computation, safe inside workflow code.
 */
public final class ApprovalTokens {
  public static final String APPROVE = "approve";
  public static final String REJECT = "reject";
  private static final String[] KEYS =
      {"releaseId", "environment", "digest", "approver", "decision", "issuedAt", "expiresAt"};
  private static final Pattern FIELD = Pattern.compile("\"(\\w+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|-?\\d+)");

  private ApprovalTokens() {}

  /** The claims of a token. */
  public record Claims(String releaseId, String environment, String digest, String approver,
      String decision, long issuedAt, long expiresAt) {}

  public static String mint(Claims claims, PrivateKey key) throws GeneralSecurityException {
    byte[] payload = json(claims).getBytes(StandardCharsets.UTF_8);
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update(payload);
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString(payload) + "." + b64.encodeToString(signer.sign());
  }

  /**
   * Checks a token against what the release expects; returns null if it is good, else what is wrong.
   *
   * @param nowEpochSeconds workflow time
   */
  public static String problem(String token, String publicKeyPem, Claims expected, long nowEpochSeconds) {
    if (token == null || token.isBlank()) {
      return "this environment requires signed approvals: add \"token\" minted with `gantry approval-token`";
    }
    if (publicKeyPem == null || publicKeyPem.isBlank()) {
      return expected.approver() + " has no registered public key in the approvers directory";
    }
    String[] parts = token.trim().split("\\.");
    if (parts.length != 2) {
      return "the token is not <claims>.<signature>";
    }
    byte[] payload;
    byte[] signature;
    try {
      payload = Base64.getUrlDecoder().decode(parts[0]);
      signature = Base64.getUrlDecoder().decode(parts[1]);
    } catch (IllegalArgumentException e) {
      return "the token is not base64url";
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withECDSA");
      verifier.initVerify(publicKey(publicKeyPem));
      verifier.update(payload);
      if (!verifier.verify(signature)) {
        return "the token's signature does not verify with " + expected.approver() + "'s registered key";
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "the token's signature does not verify with " + expected.approver() + "'s registered key ("
          + e.getClass().getSimpleName() + ")";
    }
    Map<String, String> claims = parse(new String(payload, StandardCharsets.UTF_8));
    for (String[] pair : new String[][] {{"releaseId", expected.releaseId()},
        {"environment", expected.environment()}, {"digest", expected.digest()},
        {"approver", expected.approver()}, {"decision", expected.decision()}}) {
      if (!pair[1].equals(claims.get(pair[0]))) {
        // the claims are the sender's: shown cut, never echoed whole
        return "the token is for " + pair[0] + " " + Names.shown(claims.get(pair[0])) + ", not '" + pair[1] + "'";
      }
    }
    long expiresAt = number(claims.get("expiresAt"));
    long issuedAt = number(claims.get("issuedAt"));
    if (nowEpochSeconds >= expiresAt) {
      return "the token expired";
    }
    if (issuedAt > nowEpochSeconds + 300) {
      return "the token was issued in the future";
    }
    return null;
  }

  public static PublicKey publicKey(String pem) throws GeneralSecurityException {
    return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der(pem)));
  }

  public static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(pem)));
  }

  private static byte[] der(String pem) {
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }

  static String json(Claims c) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    ordered.put(KEYS[0], c.releaseId());
    ordered.put(KEYS[1], c.environment());
    ordered.put(KEYS[2], c.digest());
    ordered.put(KEYS[3], c.approver());
    ordered.put(KEYS[4], c.decision());
    ordered.put(KEYS[5], c.issuedAt());
    ordered.put(KEYS[6], c.expiresAt());
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, Object> entry : ordered.entrySet()) {
      out.append(out.length() == 1 ? "" : ",").append('"').append(entry.getKey()).append("\":");
      if (entry.getValue() instanceof String text) {
        out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else {
        out.append(entry.getValue());
      }
    }
    return out.append('}').toString();
  }

  private static Map<String, String> parse(String json) {
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher matcher = FIELD.matcher(json);
    while (matcher.find()) {
      String value = matcher.group(3) != null
          ? matcher.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : matcher.group(2);
      fields.put(matcher.group(1), value);
    }
    return fields;
  }

  private static long number(String value) {
    try {
      return value == null ? 0 : Long.parseLong(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
