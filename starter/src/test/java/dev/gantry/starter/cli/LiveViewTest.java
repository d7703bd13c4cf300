package dev.gantry.starter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.starter.client.LiveView;
import dev.gantry.workflows.api.EnvironmentState;
import dev.gantry.workflows.api.EnvironmentStatus;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.ReleaseState;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.TimelineEntry;
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
    assertThat(frame).startsWith("\u001b[H\u001b[2J");
    assertThat(frame).contains("production   DEPLOYING              [#####---------------] 1/4");
    assertThat(frame).contains("waiting for nothing");
    assertThat(frame).contains("us-west-2        DEPLOYING").doesNotContain("eu-west-1");
    assertThat(frame).contains("10:00:00  production/us-east-1").contains("healthy");
  }
}
