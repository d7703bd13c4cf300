package dev.gantry.starter.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.rollout.RolloutStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every wait for a person, with the command that ends it: what watch and start --wait print. */
class PersonWaitsTest {
  private static final String ID = "release/app/1.0";

  @Test
  void anInconclusiveCanaryAChangeBoardAndApprovalsEachSayWhatToRun() {
    RegionStatus canary = new RegionStatus("eu-west-1", RegionState.DEPLOYING, "0.9", null,
        new RolloutStatus("canary", "inconclusive", 2, 4, 25, "inconclusive: no traffic", "2026-12-05T14:05:00Z",
            "analysis inconclusive at 25% (no traffic): resume (counts as a pass), promote or abort", null));
    ReleaseStatus status = status(ReleaseState.RUNNING, "deploy:staging",
        new EnvironmentStatus("staging", EnvironmentState.DEPLOYING, List.of(canary), null),
        new EnvironmentStatus("production", EnvironmentState.AWAITING_CHANGE_BOARD, List.of(), "change board decision"),
        new EnvironmentStatus("qa", EnvironmentState.AWAITING_APPROVAL, List.of(), "1 approval(s) from carol"));

    List<PersonWaits.Wait> waits = PersonWaits.of(status);

    assertThat(waits).as("in the order of the environments").extracting(PersonWaits.Wait::run).containsExactly(
        "gantry canary resume " + ID + " -e staging -r eu-west-1 --as YOUR_NAME --reason WHY",
        "gantry release override " + ID + " --environment production --gate cab --as YOUR_NAME"
            + " --justification WHY --incident INC-ID",
        "gantry release approve " + ID + " --as YOUR_NAME --environment qa --digest sha256:abc --comment LGTM");
    assertThat(waits.get(0).what()).startsWith("staging/eu-west-1 analysis inconclusive at 25% (no traffic)")
        .contains("(until 14:05 UTC)", "gantry canary promote", "gantry canary abort");
    assertThat(waits.get(1).lines()).startsWith("WAITING for a person: the change board's decision for production")
        .contains("\n  run: gantry release override");
  }

  @Test
  void aPausedReleaseWaitsForAResumeAndAFinishedOneForNobody() {
    assertThat(PersonWaits.of(status(ReleaseState.WAITING, "paused")))
        .singleElement().satisfies(w -> assertThat(w.run()).isEqualTo(
            "gantry release resume " + ID + " --as YOUR_NAME --reason WHY"));
    assertThat(PersonWaits.of(status(ReleaseState.FAILED, "approval:qa",
        new EnvironmentStatus("qa", EnvironmentState.AWAITING_APPROVAL, List.of(), "left over")))).isEmpty();
  }

  private static ReleaseStatus status(ReleaseState state, String stage, EnvironmentStatus... environments) {
    return new ReleaseStatus(ID, "app", "1.0", "sha256:abc", "dana", state, stage, List.of(environments), List.of(),
        List.of(), "2026-12-05T10:00:00Z", null, null, List.of(), List.of(), List.of());
  }
}
