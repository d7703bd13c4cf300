package dev.gantry.workflows.api;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The audit trail port: append-only, idempotent by {@link AuditEvent#eventId()}. */
@ActivityInterface(namePrefix = "Audit.")
public interface AuditActivities {

  @ActivityMethod(name = "Audit.append")
  void append(AuditEvent event);

  /** Opens the follow-up review an emergency override owes; idempotent per release, environment, gate. */
  @ActivityMethod(name = "Audit.openFollowUpReview")
  String openFollowUpReview(FollowUpReview review);
}
