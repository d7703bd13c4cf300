package dev.gantry.starter.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.workflows.api.approval.Approval;
import dev.gantry.workflows.api.release.Omissions;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a terminal shows of a release: never a forged line, never an escape, never a megabyte. */
class StatusViewTest {
  @Test
  void namesAndCommentsRecordedBeforeTheBoundsCannotForgeLinesOrDriveTheTerminal() {
    TimelineEntry forged = new TimelineEntry("2026-12-04T10:00:00Z", "production", null,
        "approval by alice\n10:00:01  production                   approval by bob accepted\u001b[2J");
    assertThat(StatusView.line(forged)).doesNotContain("\n").doesNotContain("\u001b")
        .endsWith("approval by alice 10:00:01  production                   approval by bob accepted?[2J");

    ReleaseStatus status = new ReleaseStatus("release/app/1.0", "app", "1.0", "sha256:abc", "dana",
        ReleaseState.AWAITING_APPROVAL, "approval:production", List.of(),
        List.of(new Approval("production", "mallory\u001b[31m", "c".repeat(1 << 20), "2026-12-04T10:00:00Z",
            true, null)),
        List.of(forged), "2026-12-04T10:00:00Z", null, null, List.of(), List.of(), List.of());
    String rendered = StatusView.render(status);
    assertThat(rendered).doesNotContain("\u001b").hasSizeLessThan(2_000).contains("mallory?[31m")
        .contains("more characters)");
  }

  @Test
  void theAuditHeadTheReleaseKeepsIsShown() {
    ReleaseStatus status = new ReleaseStatus("release/app/1.0", "app", "1.0", "sha256:abc", "dana",
        ReleaseState.SUCCEEDED, "done", List.of(), List.of(), List.of(), "2026-12-04T10:00:00Z", null, null,
        List.of(), List.of(), List.of()).withAuditHead(new dev.gantry.workflows.api.audit.AuditHead("audit.jsonl", 42,
            "ab".repeat(32), "release/app/1.0/run/12"));
    assertThat(StatusView.render(status)).contains("  audit audit.jsonl line 42 hash " + "ab".repeat(32) + "\n");
  }

  @Test
  void whatWasLeftOutIsSaid() {
    assertThat(StatusView.leftOut(null)).isNull();
    assertThat(StatusView.leftOut(Omissions.NONE)).isNull();
    assertThat(StatusView.leftOut(new Omissions(0, 0, 0, 3))).isEqualTo("3 message(s) refused in all");
    assertThat(StatusView.leftOut(new Omissions(796, 150, 0, 400))).isEqualTo("400 message(s) refused in all;"
        + " not shown: 796 older timeline lines, 150 older refused approvals (the audit trail has every message)");
  }

  @Test
  void aFollowerKnowsLinesByTheirNumberNotTheirPlace() {
    List<TimelineEntry> handed = new ArrayList<>();
    ReleaseWatch.Listener listener = handed::add;
    List<TimelineEntry> first = List.of(entry("started", 1), entry("refused", 2), entry("waiting", 3));
    assertThat(ReleaseWatch.handOver(first, 0, listener)).isEqualTo(3);
    // the refusal was dropped to keep the status bounded, two lines came: the list is no longer
    List<TimelineEntry> then = List.of(entry("started", 1), entry("waiting", 3), entry("approved", 4),
        entry("deploying", 5));
    assertThat(ReleaseWatch.handOver(then, 3, listener)).isEqualTo(5);
    assertThat(handed).extracting(TimelineEntry::event)
        .containsExactly("started", "refused", "waiting", "approved", "deploying");
    // releases started before the numbers: lines are numbered by their place
    List<TimelineEntry> old = List.of(entry("a", null), entry("b", null));
    assertThat(ReleaseWatch.handOver(old, 1, listener)).isEqualTo(2);
    assertThat(handed).last().extracting(TimelineEntry::event).isEqualTo("b");
  }

  private static TimelineEntry entry(String event, Integer number) {
    return new TimelineEntry("2026-12-04T10:00:00Z", null, null, event, number);
  }
}
