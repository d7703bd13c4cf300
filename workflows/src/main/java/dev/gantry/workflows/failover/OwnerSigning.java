package dev.gantry.workflows.failover;

import dev.gantry.workflows.api.approval.ApproverDirectoryActivities;
import dev.gantry.workflows.api.rollback.RollbackPlan;
import dev.gantry.workflows.support.SignedActors;

/**
 * Who may drain a region or approve its failback where the environment requires signed actors: only the
 * environment's approvers (named, by group, or its emergency group), and only with a one-time token signed by their
 * key from the policy's approvers directory, bound to this owner, the environment, the action and the region. A
 * typed name alone moves no traffic there.
 */
final class OwnerSigning {
  private final SignedActors actors;

  private OwnerSigning(SignedActors actors) {
    this.actors = actors;
  }

  /** The rules of a signed environment, or null where the policy does not require signed actors. */
  static OwnerSigning of(ApproverDirectoryActivities directory, String ownerId, RollbackPlan plan) {
    SignedActors actors = SignedActors.of(directory, ownerId, plan.environment(), plan.approversDirectory());
    return actors == null ? null : new OwnerSigning(actors);
  }

  /**
   * @param action {@code drain} or {@code failback}
   * @param now    workflow time, epoch seconds
   */
  SignedActors.Check check(String action, String sender, String region, String token, long now) {
    String who = sender.trim();
    if (!actors.approval().approverOrEmergency(who, actors.person(who))) {
      return SignedActors.Check.refused(who + " may not " + action + " in " + actors.environment() + ": it requires signed"
          + " actors, and only its approvers (" + actors.approval().whoMayApprove() + ") or members of "
          + actors.approval().emergencyGroupOrDefault() + " may");
    }
    return actors.verify(action, who, region, token, now);
  }
}
