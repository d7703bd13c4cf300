package dev.gantry.starter.client;

import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.release.EnvironmentStatus;
import dev.gantry.workflows.api.release.ReleaseStatus;
import dev.gantry.workflows.api.release.TimelineEntry;
import java.util.List;

/**
 * The screen of {@code gantry release watch} on a terminal: one block per environment with a progress
 * bar of its regions, each region's state, the gate the release waits at and who may act, and the
 * latest timeline lines.
 *
 * <p>Redrawn in place with plain ANSI cursor control, never scrolling: the cursor goes home, each line is
 * overwritten and cleared to its end, the rest of the screen is cleared below the last one. Lines are cut
 * to the terminal's width (a wrapped line would push the screen up), the frame to its height (the last
 * line ends without a newline): whatever the size, the header stays on the first line. The screen is
 * cleared once, at the start ({@link #START}): clearing the whole screen on every redraw is what made
 * terminals such as tmux push a copy of it into the scrollback each time.
 */
public final class LiveView {
  /** Once, before the first frame: clear the screen, cursor home, cursor hidden. */
  public static final String START = "\u001b[H\u001b[2J\u001b[?25l";
  /** Once, after the last frame: cursor shown again, on a fresh line below the frame. */
  public static final String END = "\u001b[?25h\r\n";
  private static final String HOME = "\u001b[H";
  private static final String CLEAR_LINE_END = "\u001b[K";
  private static final String CLEAR_SCREEN_END = "\u001b[J";
  private static final int BAR = 20;
  private static final int RECENT = 8;

  private LiveView() {}

  /** The frame of an 80x24 terminal. */
  public static String frame(ReleaseStatus status) {
    return frame(status, 80, 24);
  }

  /** The frame for a terminal of {@code columns} x {@code rows}: at most {@code rows} lines, none wider. */
  public static String frame(ReleaseStatus status, int columns, int rows) {
    return frame(status, java.util.Map.of(), columns, rows);
  }

  /**
   * As {@link #frame(ReleaseStatus, int, int)}, with each region's running activity's own progress
   * ({@code environment/region} to text, {@link GantryClient#regionProgress}) under the region.
   */
  public static String frame(ReleaseStatus status, java.util.Map<String, String> progress, int columns, int rows) {
    List<String> lines = fit(status, progress, Math.max(20, columns) - 1, Math.max(3, rows));
    StringBuilder out = new StringBuilder(HOME);
    for (int i = 0; i < lines.size(); i++) {
      out.append(lines.get(i)).append(CLEAR_LINE_END);
      if (i < lines.size() - 1) {
        out.append("\r\n");
      }
    }
    return out.append(CLEAR_SCREEN_END).toString();
  }

  /**
   * The lines of a screen of {@code rows} lines of at most {@code width} characters: the header first, then
   * every wait for a person and what to run, the environments, the latest timeline lines in what is left.
   */
  static List<String> fit(ReleaseStatus status, java.util.Map<String, String> progress, int width, int rows) {
    List<String> head = new java.util.ArrayList<>();
    head.add(status.releaseId() + "  " + status.state() + " (" + StatusView.text(status.stage()) + ")");
    head.add("artifact " + status.artifactDigest() + "  requested by " + StatusView.text(status.requestedBy()));
    List<String> body = new java.util.ArrayList<>();
    for (PersonWaits.Wait wait : PersonWaits.of(status)) {
      body.add("WAITING for a person: " + wait.what());
      body.addAll(wrapCommand("  run: ", wait.run(), width));
    }
    String[] environments = environments(status, progress).split("\n");
    body.add("");
    body.addAll(List.of(environments));
    if (status.failureReason() != null) {
      body.add("failure: " + StatusView.text(status.failureReason()));
    }
    List<TimelineEntry> timeline = status.timeline();
    List<String> latest = new java.util.ArrayList<>();
    for (TimelineEntry entry : timeline.subList(Math.max(0, timeline.size() - RECENT), timeline.size())) {
      latest.add("  " + StatusView.line(entry));
    }
    List<String> lines = new java.util.ArrayList<>(head);
    int room = rows - head.size();
    if (body.size() > room) {
      lines.addAll(body.subList(0, Math.max(0, room - 1)));
      lines.add("... " + (body.size() - room + 1) + " more line(s): enlarge the terminal, or `gantry release status`");
    } else {
      lines.addAll(body);
      room -= body.size();
      if (room >= 3 && !latest.isEmpty()) {
        lines.add("");
        lines.add("latest");
        lines.addAll(latest.subList(Math.max(0, latest.size() - (room - 2)), latest.size()));
      }
    }
    List<String> cut = new java.util.ArrayList<>(lines.size());
    for (String line : lines.subList(0, Math.min(lines.size(), rows))) {
      cut.add(line.length() > width ? line.substring(0, width) : line);
    }
    return cut;
  }

  /**
   * A command on as many lines as it takes, each ending in a shell line continuation: pasted whole, it runs
   * as one command; a cut command could not be pasted.
   */
  static List<String> wrapCommand(String prefix, String command, int width) {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder(prefix);
    String indent = "    ";
    for (String word : command.split(" ")) {
      boolean first = line.length() == prefix.length() || line.toString().equals(indent);
      if (!first && line.length() + 1 + word.length() + 2 > width) {
        lines.add(line.append(" \\").toString());
        line = new StringBuilder(indent);
        first = true;
      }
      line.append(first ? "" : " ").append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  private static String environments(ReleaseStatus status, java.util.Map<String, String> progress) {
    StringBuilder out = new StringBuilder();
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
          String now = progress.get(env.environment() + "/" + region.region());
          if (now != null) {
            out.append("      now: ").append(StatusView.text(now)).append('\n');
          }
        }
      }
    }
    return out.toString().replace("\r", "").stripTrailing();
  }

  static String bar(long done, int total) {
    int filled = total == 0 ? 0 : (int) Math.round((double) BAR * done / total);
    return "[" + "#".repeat(filled) + "-".repeat(BAR - filled) + "]";
  }
}
