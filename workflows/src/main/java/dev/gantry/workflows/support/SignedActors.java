package dev.gantry.workflows.support;

import dev.gantry.workflows.api.approval.ActorTokens;
import dev.gantry.workflows.api.approval.ApprovalPolicy;
import dev.gantry.workflows.api.approval.Approver;
import dev.gantry.workflows.api.approval.ApproverDirectory;
import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.approval.DirectoryRequest;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.release.FailureReasons;
import dev.gantry.workflows.rollback.ActorTokenLedger;
import io.temporal.failure.ActivityFailure;

/**
 * A signed environment's proof of who sends a message to a workflow that is not a release (a traffic owner, an
 * environment's destroy): where the environment requires signed actors ({@code approval.signedApprovals} or
 * {@code signEverything}), the message needs a one-time token signed by the sender's key from the policy's
 * approvers directory, bound to this workflow, the environment, the action and its detail. Who may send it at all
 * is the caller's rule ({@link #person} helps); this checks the token. Workflow code: the directory is read once
 * by an activity, the check is pure with workflow time.
 */
public final class SignedActors {
  private final String workflowId;
  private final String environment;
  private final ApprovalPolicy approval;
  private final ApproverDirectory people;
  /** Why the directory could not be read; every message is refused while it is set. */
  private final String unreadable;

  private SignedActors(String workflowId, String environment, ApprovalPolicy approval, ApproverDirectory people,
      String unreadable) {
    this.workflowId = workflowId;
    this.environment = environment;
    this.approval = approval;
    this.people = people;
    this.unreadable = unreadable;
  }

  /** The rules of a signed environment, or null where the policy does not require signed actors. */
  public static SignedActors of(ApproverDirectoryActivities directory, String workflowId, EnvironmentPlan plan,
      String approversDirectory) {
    ApprovalPolicy approval = plan.approval();
    if (approval == null || !(approval.signed() || approval.signsEverything())) {
      return null;
    }
    try {
      return new SignedActors(workflowId, plan.name(), approval,
          directory.load(new DirectoryRequest(workflowId, approversDirectory)), null);
    } catch (ActivityFailure failure) {
      // fail closed: no person's message is acted on until the directory can be read
      return new SignedActors(workflowId, plan.name(), approval, ApproverDirectory.empty(),
          "the approvers directory cannot be read (" + FailureReasons.of(failure) + "); a new run reads it again");
    }
  }

  /** The environment's approval rules (who may act is the caller's rule, often {@code approverOrEmergency}). */
  public ApprovalPolicy approval() {
    return approval;
  }

  public String environment() {
    return environment;
  }

  /** The sender in the approvers directory, or null. */
  public Approver person(String who) {
    return people == null ? null : people.find(who);
  }

  /** The outcome of a check: {@code refusal} null when the token is good; spend {@code tokenId} before acting. */
  public record Check(String refusal, String tokenId, String keyThumbprint) {
    public static Check refused(String why) {
      return new Check(why, null, null);
    }
  }

  /**
   * Spends a good token's one-time id ({@link ActorTokenLedger}): the same check when this is its first use, a
   * refusal when it was used before; a refused check is returned as it is, nothing spent.
   */
  public static Check spent(Check check, String action) {
    if (check.refusal() != null || ActorTokenLedger.spend(check.tokenId())) {
      return check;
    }
    return Check.refused("this token (jti) was already used: a signed " + action + " counts once; mint a new one");
  }

  /**
   * Checks {@code sender}'s token for {@code action} (and its {@code detail}, or null) on this workflow.
   *
   * @param now workflow time, epoch seconds
   */
  public Check verify(String action, String sender, String detail, String token, long now) {
    if (unreadable != null) {
      return Check.refused(unreadable);
    }
    Approver person = person(sender);
    ActorTokens.Verdict verdict = ActorTokens.verify(token, person == null ? null : person.publicKeyPem(),
        new ActorTokens.Expected(workflowId, environment, ActorTokens.NO_ARTIFACT, action, detail, sender), now,
        approval.tokenLifetimeOrDefault());
    if (!verdict.good()) {
      return Check.refused(verdict.problem() + "; a token for it: gantry approval-token --release " + workflowId
          + " --action " + action + " --environment " + environment + (detail == null ? "" : " --region " + detail)
          + " --as " + sender + " --signing-key <your private key>");
    }
    return new Check(null, verdict.id(), verdict.keyThumbprint());
  }
}
