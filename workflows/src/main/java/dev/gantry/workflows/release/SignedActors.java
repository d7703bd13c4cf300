package dev.gantry.workflows.release;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.input.Names;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.api.release.ReleaseRequest;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who sends a message to a signed release, as a key: the rules of signed actors. Pure logic, no Temporal
 * calls; its state (the requester's key, the one-time ids already used) lives in the workflow.
 *
 * <p>A release is <b>signed</b> when any environment of its plan has signed approvals (policy's default
 * for every environment with a required approval) or {@code signedActions}. Then every message (the
 * request, approvals, rejections, overrides, freezes, change-board decisions, pause and resume) carries
 * a JWS ({@link ActorTokens}) signed by the key the policy's directory names for the sender. Identities
 * compare as keys (JWK thumbprints): the requester's key may not approve or override under any name, and
 * one key counts once toward a quorum.
 *
 * <p>Each accepted token's one-time id is remembered until the token expires; at most {@link #MAX_USED}
 * are kept, so the state stays bounded (tokens live at most {@code maxTokenLifetime}).
 */
final class SignedActors {
  /** One-time ids remembered at once; past this, new signed messages wait for old tokens to expire. */
  static final int MAX_USED = 512;

  private final ReleaseRequest plan;
  private final boolean current;
  private final boolean signed;
  private final long maxLifetimeSeconds;
  /** jti -> exp (epoch seconds). */
  private final Map<String, Long> used = new LinkedHashMap<>();
  private String requesterKey;

  SignedActors(ReleaseRequest plan, boolean enabled) {
    this.plan = plan;
    boolean anySigned = false;
    long lifetime = ActorTokens.DEFAULT_MAX_LIFETIME_SECONDS;
    for (EnvironmentPlan env : plan.environmentsOrEmpty()) {
      ApprovalPolicy approval = env.approval();
      if (approval != null && (approval.signed() || approval.signsEverything())) {
        anySigned = true;
      }
      if (approval != null && approval.maxTokenLifetimeSeconds() != null) {
        lifetime = Math.min(lifetime, approval.maxTokenLifetimeSeconds());
      }
    }
    this.current = enabled;
    this.signed = enabled && anySigned;
    this.maxLifetimeSeconds = lifetime;
  }

  /** The rules of signed actors apply to this release (false: recorded before them, replayed as it was). */
  boolean current() {
    return current;
  }

  boolean signed() {
    return signed;
  }

  long maxLifetimeSeconds() {
    return maxLifetimeSeconds;
  }

  String requesterKey() {
    return requesterKey;
  }

  /**
   * Checks the start's request token; on success the requester's key is the one approvals and overrides
   * are compared with. Returns the refusal or null.
   */
  String acceptRequest(String token, ApproverDirectory directory, long nowMillis) {
    String requester = plan.requestedBy();
    if (requester == null || requester.isBlank()) {
      return "field 'requestedBy' is missing: a signed release names its requester";
    }
    ActorTokens.Verdict verdict = verify(token, requester, ActorTokens.REQUEST, null, null, directory, nowMillis);
    if (!verdict.good()) {
      String problem = verdict.problem();
      return problem.contains("field 'token'") ? problem.replace("field 'token'", "field 'requestToken'")
          : "field 'requestToken': " + problem;
    }
    requesterKey = verdict.keyThumbprint();
    remember(verdict, nowMillis);
    return null;
  }

  /** Checks a message's token without remembering it (update validators). Null or the refusal. */
  ActorTokens.Verdict check(String token, String sender, String action, String environment, String detail,
      ApproverDirectory directory, long nowMillis) {
    if (sender == null || sender.isBlank()) {
      return new ActorTokens.Verdict("the sender's name is missing: a signed message names its sender", null,
          0, null);
    }
    return verify(token, sender.trim(), action, environment, detail, directory, nowMillis);
  }

  private ActorTokens.Verdict verify(String token, String sender, String action, String environment,
      String detail, ApproverDirectory directory, long nowMillis) {
    Approver person = directory == null ? null : directory.find(sender);
    long now = nowMillis / 1000;
    ActorTokens.Verdict verdict = ActorTokens.verify(token, person == null ? null : person.publicKeyPem(),
        new ActorTokens.Expected(plan.releaseId(), environment, plan.artifact().digest(), action, detail, sender),
        now, maxLifetimeSeconds);
    if (!verdict.good()) {
      return verdict;
    }
    if (used.containsKey(verdict.id())) {
      return new ActorTokens.Verdict("this token (jti) was already used: a signed message counts once; mint a"
          + " new token", null, 0, null);
    }
    if (live(now) >= MAX_USED) {
      return new ActorTokens.Verdict(MAX_USED + " signed messages are remembered and not yet expired: send"
          + " this one again in a few minutes", null, 0, null);
    }
    return verdict;
  }

  /** Separation of duties by key: null, or why the key may not act on its own release. */
  String sameKeyAsRequester(ActorTokens.Verdict verdict, String sender, String what) {
    if (requesterKey != null && requesterKey.equals(verdict.keyThumbprint())) {
      return "separation of duties: " + shown(sender) + " signs with the key of the requester "
          + shown(plan.requestedBy()) + " and cannot " + what + " this release";
    }
    return null;
  }

  /**
   * An accepted message spends its token. Checks never change the remembered ids (update validators run
   * them, and validators are not replayed); only this does, in handlers.
   */
  void remember(ActorTokens.Verdict verdict, long nowMillis) {
    if (verdict != null && verdict.id() != null) {
      forgetExpired(nowMillis / 1000);
      used.put(verdict.id(), verdict.expiresAt());
    }
  }

  /** Ids of tokens that have not expired yet. */
  private long live(long nowSeconds) {
    return used.values().stream().filter(exp -> exp + ActorTokens.SKEW_SECONDS >= nowSeconds).count();
  }

  private void forgetExpired(long nowSeconds) {
    // an expired token is refused by its exp anyway: its id need not be kept
    for (Iterator<Map.Entry<String, Long>> it = used.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue() + ActorTokens.SKEW_SECONDS < nowSeconds) {
        it.remove();
      }
    }
  }

  private static String shown(String name) {
    return Names.isPerson(name) ? name : Names.shown(name);
  }

  int remembered() {
    return used.size();
  }

  /** The command that makes a token for this release, shown in its status and details. */
  String tokenCommand(String action, String environment, String who) {
    return "gantry approval-token --release " + plan.releaseId() + " --action " + action
        + (environment == null ? "" : " --environment " + environment) + " --digest "
        + plan.artifact().digest() + " --as " + who + " --signing-key <your private key>";
  }
}
