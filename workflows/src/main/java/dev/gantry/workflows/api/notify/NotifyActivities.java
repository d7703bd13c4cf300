package dev.gantry.workflows.api.notify;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The notification port: tells people that a release needs them or has finished. */
@ActivityInterface(namePrefix = "Notify.")
public interface NotifyActivities {

  /** The webhook answered with an error or could not be reached. Retried (cap the attempts). */
  String FAILED = "NotificationFailed";
  /** The notification cannot be sent as given (no webhook, unset variable, no title). Never retried. */
  String INVALID = "InvalidNotification";

  /**
   * Posts the notification. A retry after a lost answer may post it twice: chat webhooks have no
   * idempotency key.
   */
  @ActivityMethod(name = "Notify.send")
  NotificationReceipt send(Notification notification);
}
