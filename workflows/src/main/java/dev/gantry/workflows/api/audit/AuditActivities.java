package dev.gantry.workflows.api.audit;

import dev.gantry.workflows.api.approval.FollowUpReview;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The audit trail port: append-only, idempotent by {@link AuditEvent#eventId()}. */
@ActivityInterface(namePrefix = "Audit.")
public interface AuditActivities {

  /**
   * Appends the event (once per event id) and returns where the trail stands with it: the record's line and
   * chain hash. Histories recorded when this returned nothing replay with a null head.
   */
  @ActivityMethod(name = "Audit.append")
  AuditHead append(AuditEvent event);

  /** Opens the follow-up review an emergency override owes; idempotent per release, environment, gate. */
  @ActivityMethod(name = "Audit.openFollowUpReview")
  String openFollowUpReview(FollowUpReview review);
}
