package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.LiveView;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentState;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveViewTest {
  @Test
  void aFrameShowsProgressTheOpenGateAndTheLatestLines() {
    ReleaseStatus status = new ReleaseStatus("release/app/1.0", "app", "1.0", "sha256:abc", "dana",
        ReleaseState.RUNNING, "deploy:production",
        List.of(new EnvironmentStatus("production", EnvironmentState.DEPLOYING, List.of(
            new RegionStatus("us-east-1", RegionState.DEPLOYED, "0.9", "healthy"),
            new RegionStatus("us-west-2", RegionState.DEPLOYING, null, "deploying 1.0"),
            new RegionStatus("eu-west-1", RegionState.PENDING, null, null),
            new RegionStatus("ap-southeast-1", RegionState.PENDING, null, null)), "nothing")),
        List.of(), List.of(new TimelineEntry("2026-11-29T10:00:00Z", "production", "us-east-1", "healthy")),
        "2026-11-29T10:00:00Z", null, null, List.of(), List.of(), List.of());
    String frame = LiveView.frame(status);
    assertThat(frame).startsWith("\u001b[H").doesNotContain("\u001b[2J").endsWith("\u001b[J");
    assertThat(frame).contains("production   DEPLOYING              [#####---------------] 1/4");
    assertThat(frame).contains("waiting for nothing");
    assertThat(frame).contains("us-west-2        DEPLOYING").doesNotContain("eu-west-1");
    assertThat(frame).contains("10:00:00  production/us-east-1").contains("healthy");
  }

  @Test
  void onAnySizeTheFrameFitsTheHeaderComesFirstAndEveryWaitForAPersonSaysWhatToRun() {
    java.util.List<RegionStatus> regions = new java.util.ArrayList<>();
    for (int i = 0; i < 30; i++) {
      regions.add(new RegionStatus("region-" + i, RegionState.DEPLOYED, "0.9", "healthy ".repeat(30)));
    }
    java.util.List<TimelineEntry> timeline = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      timeline.add(new TimelineEntry("2026-11-29T10:00:00Z", "production", null, "line " + i + " ".repeat(200)));
    }
    ReleaseStatus status = new ReleaseStatus("release/app/1.0", "app", "1.0", "sha256:abc", "dana",
        ReleaseState.AWAITING_APPROVAL, "approval:production",
        List.of(new EnvironmentStatus("staging", EnvironmentState.DEPLOYED, regions, null),
            new EnvironmentStatus("production", EnvironmentState.AWAITING_APPROVAL, List.of(),
                "2 approval(s) from members of release-managers")),
        List.of(), timeline, "2026-11-29T10:00:00Z", null, null, List.of(), List.of(), List.of());
    for (int[] size : new int[][] {{80, 24}, {40, 10}, {200, 60}, {20, 3}}) {
      String frame = LiveView.frame(status, size[0], size[1]);
      String[] lines = frame.substring("\u001b[H".length(), frame.length() - "\u001b[J".length())
          .split("\u001b\\[K(\r\n)?", -1);
      java.util.List<String> shown = java.util.Arrays.asList(lines).subList(0, lines.length - 1);
      assertThat(shown).as("%dx%d", size[0], size[1]).hasSizeLessThanOrEqualTo(size[1])
          .allSatisfy(line -> assertThat(line.length()).isLessThan(size[0]));
      assertThat(shown.get(0)).startsWith("release/app/1.0  AWAITING_APPROVAL".substring(0, Math.min(34, size[0] - 1)));
      assertThat(frame).doesNotEndWith("\r\n\u001b[J");
      if (size[1] >= 10) {
        assertThat(shown.get(2)).startsWith("WAITING for a person: approval of production".substring(0,
            Math.min(44, size[0] - 1)));
        assertThat(shown.get(3)).startsWith("  run: gantry release approve");
        String pasted = String.join("\n", shown).replaceAll(" \\\\\n +", " ");
        assertThat(pasted).as("the wrapped command, pasted into a shell").contains("run: gantry release approve"
            + " release/app/1.0 --as YOUR_NAME --environment production --digest sha256:abc --comment LGTM\n");
      }
    }
  }
}
