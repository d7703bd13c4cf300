package dev.gantry.workflows.release;

import dev.gantry.workflows.api.notify.Notification;
import dev.gantry.workflows.api.notify.NotifyActivities;
import dev.gantry.workflows.api.notify.NotifyPolicy;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import dev.gantry.workflows.support.ActivityOptionsCatalogue;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;

/** Tells the people of an environment that the release needs them (its {@code notifications} webhook). */
final class Notifier {
  private final NotifyActivities notifier =
      Workflow.newActivityStub(NotifyActivities.class, ActivityOptionsCatalogue.NOTIFY);
  private final ReleaseRun run;

  Notifier(ReleaseRun run) {
    this.run = run;
  }

  /** A courtesy: a failed notification is logged, and the release goes on. */
  void notify(EnvironmentPlan env, String title, String text) {
    NotifyPolicy policy = env.notifications();
    if (policy == null) {
      return;
    }
    String releaseId = run.plan().releaseId();
    // Straight to the User Metadata tab, where the Current Details say what to send (ApproverView).
    String link = policy.uiUrlOrDefault() + "/namespaces/" + Workflow.getInfo().getNamespace()
        + "/workflows/" + releaseId.replace("/", "%2F") + "/" + Workflow.getInfo().getRunId()
        + "/user-metadata";
    try {
      notifier.send(new Notification(policy.webhookUrl(), title, text,
          "gantry release approve " + releaseId + " --as <you>", link, policy.mention(),
          policy.webhookUrlEnv()));
      run.progress().log(env.name(), null, "notified: " + title);
    } catch (ActivityFailure failure) {
      run.progress().log(env.name(), null, "notification failed (" + FailureReasons.of(failure)
          + "); the release goes on");
    }
  }
}
