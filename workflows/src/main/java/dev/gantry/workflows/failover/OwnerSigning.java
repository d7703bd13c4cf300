package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.ActorTokens;
import dev.gantry.workflows.api.ApprovalPolicy;
import dev.gantry.workflows.api.Approver;
import dev.gantry.workflows.api.ApproverDirectory;
import dev.gantry.workflows.api.ApproverDirectoryActivities;
import dev.gantry.workflows.api.DirectoryRequest;
import dev.gantry.workflows.api.RollbackPlan;
import dev.gantry.workflows.release.FailureReasons;
import io.temporal.failure.ActivityFailure;

/**
 * Who may drain a region or approve its failback where the environment requires signed actors
 * ({@code approval.signedApprovals} or {@code signEverything} in policy): only the environment's approvers
 * (named, by group, or its emergency group), and only with a one-time token signed by their key from the
 * policy's approvers directory, bound to this owner, the environment, the action and the region. A typed name
 * alone moves no traffic there.
 */
final class OwnerSigning {
  private final String ownerId;
  private final String environment;
  private final ApprovalPolicy approval;
  private final ApproverDirectory people;
  /** Why the directory could not be read; every message is refused while it is set. */
  private final String unreadable;

  private OwnerSigning(String ownerId, String environment, ApprovalPolicy approval, ApproverDirectory people,
      String unreadable) {
    this.ownerId = ownerId;
    this.environment = environment;
    this.approval = approval;
    this.people = people;
    this.unreadable = unreadable;
  }

  /** The rules of a signed environment, or null where the policy does not require signed actors. */
  static OwnerSigning of(ApproverDirectoryActivities directory, String ownerId, RollbackPlan plan) {
    ApprovalPolicy approval = plan.environment().approval();
    if (approval == null || !(approval.signed() || approval.signsEverything())) {
      return null;
    }
    String environment = plan.environment().name();
    try {
      return new OwnerSigning(ownerId, environment, approval,
          directory.load(new DirectoryRequest(ownerId, plan.approversDirectory())), null);
    } catch (ActivityFailure failure) {
      // fail closed: automatic failover goes on, but no person's message is acted on until it can be read
      return new OwnerSigning(ownerId, environment, approval, ApproverDirectory.empty(),
          "the approvers directory cannot be read (" + FailureReasons.of(failure) + "); the next run of the owner"
              + " reads it again");
    }
  }

  /** The outcome of a check: {@code refusal} null when the message may be acted on once its token is spent. */
  record Check(String refusal, String tokenId, String keyThumbprint) {
    static Check refused(String why) {
      return new Check(why, null, null);
    }
  }

  /**
   * @param action {@link ActorTokens#DRAIN} or {@link ActorTokens#FAILBACK}
   * @param now    workflow time, epoch seconds
   */
  Check check(String action, String sender, String region, String token, long now) {
    if (unreadable != null) {
      return Check.refused(unreadable);
    }
    String who = sender.trim();
    Approver person = people == null ? null : people.find(who);
    if (!approval.approverOrEmergency(who, person)) {
      return Check.refused(who + " may not " + action + " in " + environment + ": it requires signed"
          + " actors, and only its approvers (" + approval.whoMayApprove() + ") or members of "
          + approval.emergencyGroupOrDefault() + " may");
    }
    ActorTokens.Verdict verdict = ActorTokens.verify(token, person == null ? null : person.publicKeyPem(),
        new ActorTokens.Expected(ownerId, environment, ActorTokens.NO_ARTIFACT, action, region, who), now,
        approval.tokenLifetimeOrDefault());
    if (!verdict.good()) {
      return Check.refused(verdict.problem() + "; a token for it: gantry approval-token --release " + ownerId
          + " --action " + action + " --environment " + environment + " --region " + region + " --as " + who
          + " --signing-key <your private key>");
    }
    return new Check(null, verdict.id(), verdict.keyThumbprint());
  }
}
