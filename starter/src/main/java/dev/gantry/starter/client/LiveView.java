package dev.gantry.starter.client;

import dev.gantry.workflows.api.EnvironmentStatus;
import dev.gantry.workflows.api.RegionState;
import dev.gantry.workflows.api.RegionStatus;
import dev.gantry.workflows.api.ReleaseStatus;
import dev.gantry.workflows.api.TimelineEntry;
import java.util.List;

/**
 * The screen of {@code gantry release watch} on a terminal: one block per environment with a progress
 * bar of its regions, each region's state, the gate the release waits at and who may act, and the
 * latest timeline lines. Redrawn in place with ANSI escapes.
 */
public final class LiveView {
  private static final String HOME_AND_CLEAR = "\u001b[H\u001b[2J";
  private static final int BAR = 20;
  private static final int RECENT = 8;

  private LiveView() {}

  public static String frame(ReleaseStatus status) {
    return HOME_AND_CLEAR + render(status);
  }

  static String render(ReleaseStatus status) {
    StringBuilder out = new StringBuilder();
    out.append(status.releaseId()).append("  ").append(status.state()).append(" (").append(status.stage())
        .append(")\n").append("artifact ").append(status.artifactDigest()).append("  requested by ")
        .append(status.requestedBy()).append("\n\n");
    for (EnvironmentStatus env : status.environments()) {
      List<RegionStatus> regions = env.regions();
      long done = regions.stream().filter(r -> r.state() == RegionState.DEPLOYED).count();
      out.append(String.format("%-12s %-22s %s %d/%d%n", env.environment(), env.state(),
          bar(done, regions.size()), done, regions.size()));
      if (env.waitingFor() != null) {
        out.append("    waiting for ").append(StatusView.text(env.waitingFor())).append('\n');
      }
      for (RegionStatus region : regions) {
        if (region.state() != RegionState.PENDING && region.state() != RegionState.SKIPPED) {
          out.append(String.format("    %-16s %-12s %s%n", region.region(), region.state(),
              StatusView.regionDetail(region)));
        }
      }
    }
    List<TimelineEntry> timeline = status.timeline();
    out.append("\nlatest\n");
    for (TimelineEntry entry : timeline.subList(Math.max(0, timeline.size() - RECENT), timeline.size())) {
      out.append("  ").append(StatusView.line(entry)).append('\n');
    }
    if (status.failureReason() != null) {
      out.append("\nfailure: ").append(StatusView.text(status.failureReason())).append('\n');
    }
    return out.toString();
  }

  static String bar(long done, int total) {
    int filled = total == 0 ? 0 : (int) Math.round((double) BAR * done / total);
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
  }
}
