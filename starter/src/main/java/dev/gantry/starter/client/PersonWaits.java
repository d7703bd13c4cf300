package dev.gantry.starter.client;

import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * What a release waits for from a person right now, each with the command that gives it: an approval, a
 * change board's decision, a canary whose analysis was inconclusive (or a paused rollout), a paused release.
 * {@code watch} shows them on its screen; piped, {@code watch} and {@code start --wait} print each once
 * when it begins, so nobody waits in silence for a decision nobody was asked for.
 */
public final class PersonWaits {
  /** Replaced by the person who acts; refused as an unknown approver if sent as it is. */
  public static final String YOUR_NAME = "YOUR_NAME";

  /**
   * @param key  what stays the same while the wait lasts (a new key is a new wait)
   * @param what what waits and for whom, one line
   * @param run  the command to run, one line
   */
  public record Wait(String key, String what, String run) {
    /** The two lines printed for a wait. */
    public String lines() {
      return "WAITING for a person: " + what + "\n  run: " + run;
    }
  }

  private PersonWaits() {}

  public static List<Wait> of(ReleaseStatus status) {
    List<Wait> waits = new ArrayList<>();
    if (status == null || status.state() == null || status.state().isFinal()) {
      return waits;
    }
    String id = status.releaseId();
    if ("paused".equals(status.stage())) {
      waits.add(new Wait("paused", "the release is paused (see the timeline for who paused it and why)",
          "gantry release resume " + id + " --as " + YOUR_NAME + " --reason WHY"));
    }
    for (EnvironmentStatus env : status.environments()) {
      String name = env.environment();
      if (env.state() == EnvironmentState.AWAITING_APPROVAL) {
        waits.add(new Wait("approval:" + name, "approval of " + name + ": " + StatusView.text(env.waitingFor()),
            "gantry release approve " + id + " --as " + YOUR_NAME + " --environment " + name + " --digest "
                + status.artifactDigest() + " --comment LGTM"));
      } else if (env.state() == EnvironmentState.AWAITING_CHANGE_BOARD) {
        waits.add(new Wait("cab:" + name, "the change board's decision for " + name
            + " (the timeline names the change); only in an emergency, skip it:",
            "gantry release override " + id + " --environment " + name + " --gate cab --as " + YOUR_NAME
                + " --justification WHY --incident INC-ID"));
      }
      for (RegionStatus region : env.regions()) {
        if (region.rollout() != null && region.rollout().waitingFor() != null) {
          String waiting = region.rollout().waitingFor();
          String deadline = region.rollout().nextStepAt() == null || region.rollout().nextStepAt().length() < 16
              ? "" : " (until " + region.rollout().nextStepAt().substring(11, 16) + " UTC)";
          waits.add(new Wait("rollout:" + name + "/" + region.region() + ":" + region.rollout().phase() + ":"
              + region.rollout().weight(), name + "/" + region.region() + " " + StatusView.text(waiting) + deadline
              + " (also: gantry canary promote, gantry canary abort)",
              "gantry canary resume " + id + " -e " + name + " -r " + region.region() + " --as " + YOUR_NAME
                  + " --reason WHY"));
        }
      }
    }
    return waits;
  }
}
