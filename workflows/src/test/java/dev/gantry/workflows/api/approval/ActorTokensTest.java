package dev.gantry.workflows.api.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.support.ActorKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ActorTokensTest {
  private static final String RELEASE = "release/hello-service/1.4.0";
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final long NOW = 1_780_000_000L;
  private static final ActorKeys ALICE = ActorKeys.generate();
  private static final ActorKeys MALLORY = ActorKeys.generate();

  private static ActorTokens.Expected approve(String subject) {
    return new ActorTokens.Expected(RELEASE, "production", DIGEST, ActorTokens.APPROVE, null, subject);
  }

  private static String token(ActorKeys keys, String subject, long iat, long lifetime) {
    return keys.token(RELEASE, "production", DIGEST, ActorTokens.APPROVE, null, subject, iat, lifetime, "jti-1");
  }

  @Test
  void aGoodTokenNamesItsOneTimeIdAndTheSignersKey() {
    ActorTokens.Verdict verdict = ActorTokens.verify(token(ALICE, "alice", NOW, 600), ALICE.publicKeyPem(),
        approve("alice"), NOW + 10, 3600);
    assertThat(verdict.problem()).isNull();
    assertThat(verdict.id()).isEqualTo("jti-1");
    assertThat(verdict.expiresAt()).isEqualTo(NOW + 600);
    assertThat(verdict.keyThumbprint()).isEqualTo(ALICE.thumbprint()).hasSize(43);
  }

  @Test
  void theTokenIsAStandardEs256Jws() {
    String token = token(ALICE, "alice", NOW, 600);
    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
    assertThat(header).contains("\"alg\":\"ES256\"").contains("\"typ\":\"gantry-actor+jwt\"")
        .contains("\"kid\":\"" + ALICE.thumbprint() + "\"");
    String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    assertThat(claims).contains("\"aud\":\"gantry:" + RELEASE + ":production:" + DIGEST + "\"")
        .contains("\"sub\":\"alice\"").contains("\"act\":\"approve\"").contains("\"jti\":\"jti-1\"");
  }

  @Test
  void anotherKeyAnotherSubjectReleaseEnvironmentDigestOrActionIsRefusedWithoutEchoingTheToken() {
    String token = token(ALICE, "alice", NOW, 600);
    assertThat(ActorTokens.verify(token, MALLORY.publicKeyPem(), approve("alice"), NOW, 3600).problem())
        .contains("not signed by the key registered for alice").doesNotContain(token);
    assertThat(ActorTokens.verify(token, ALICE.publicKeyPem(), approve("carol"), NOW, 3600).problem())
        .contains("subject");
    assertThat(ActorTokens.verify(token, ALICE.publicKeyPem(),
        new ActorTokens.Expected("release/other/1.0", "production", DIGEST, ActorTokens.APPROVE, null, "alice"),
        NOW, 3600).problem()).contains("another release, environment or artifact");
    assertThat(ActorTokens.verify(token, ALICE.publicKeyPem(),
        new ActorTokens.Expected(RELEASE, "staging", DIGEST, ActorTokens.APPROVE, null, "alice"), NOW, 3600)
        .problem()).contains("another release, environment or artifact");
    assertThat(ActorTokens.verify(token, ALICE.publicKeyPem(),
        new ActorTokens.Expected(RELEASE, "production", "sha256:" + "b".repeat(64), ActorTokens.APPROVE, null,
            "alice"), NOW, 3600).problem()).contains("another release, environment or artifact");
    assertThat(ActorTokens.verify(token, ALICE.publicKeyPem(),
        new ActorTokens.Expected(RELEASE, "production", DIGEST, ActorTokens.REJECT, null, "alice"), NOW, 3600)
        .problem()).contains("action");
    assertThat(ActorTokens.verify(token, ALICE.publicKeyPem(),
        new ActorTokens.Expected(RELEASE, "production", DIGEST, ActorTokens.APPROVE, "window", "alice"), NOW,
        3600).problem()).contains("not 'window'");
  }

  @Test
  void lifetimeIsBoundedByPolicyAndCheckedAgainstTheTimeGivenNotTheSystemClock() {
    String tenYears = token(ALICE, "alice", NOW, 3650L * 86_400);
    assertThat(ActorTokens.verify(tenYears, ALICE.publicKeyPem(), approve("alice"), NOW, 3600).problem())
        .contains("longer than the policy's maxTokenLifetime of 3600 s");
    String halfHour = token(ALICE, "alice", NOW, 1800);
    assertThat(ActorTokens.verify(halfHour, ALICE.publicKeyPem(), approve("alice"), NOW, 900).problem())
        .contains("maxTokenLifetime of 900 s");
    assertThat(ActorTokens.verify(halfHour, ALICE.publicKeyPem(), approve("alice"), NOW + 1800, 3600).problem())
        .contains("expired");
    assertThat(ActorTokens.verify(halfHour, ALICE.publicKeyPem(), approve("alice"), NOW - 3600, 3600).problem())
        .contains("not valid yet");
    // a token issued long ago (by the system clock) is good at the workflow time it was made for
    long longAgo = 1_000_000_000L;
    assertThat(ActorTokens.verify(token(ALICE, "alice", longAgo, 600), ALICE.publicKeyPem(), approve("alice"),
        longAgo + 1, 3600).problem()).isNull();
  }

  @Test
  void missingTokensKeysAndGarbageAreRefusedNamingTheFix() {
    assertThat(ActorTokens.verify(null, ALICE.publicKeyPem(), approve("alice"), NOW, 3600).problem())
        .contains("field 'token' is missing").contains("gantry approval-token");
    assertThat(ActorTokens.verify(token(ALICE, "alice", NOW, 60), null, approve("alice"), NOW, 3600).problem())
        .contains("alice has no key registered");
    assertThat(ActorTokens.verify("a.b", ALICE.publicKeyPem(), approve("alice"), NOW, 3600).problem())
        .contains("not a compact JWS");
    // alg none / HMAC are never accepted
    String none = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes())
        + "." + token(ALICE, "alice", NOW, 60).split("\\.")[1] + ".";
    assertThat(ActorTokens.verify(none, ALICE.publicKeyPem(), approve("alice"), NOW, 3600).problem())
        .isNotNull();
  }

  @Test
  void aKeysThumbprintIsItsIdentityWhateverThePemLooksLike() {
    String reflowed = ALICE.publicKeyPem().replace("\n", "\r\n");
    assertThat(ActorTokens.thumbprintOrNull(reflowed)).isEqualTo(ALICE.thumbprint());
    assertThat(ALICE.thumbprint()).isNotEqualTo(MALLORY.thumbprint());
    assertThat(ActorTokens.thumbprintOrNull("not a key")).isNull();
  }
}
