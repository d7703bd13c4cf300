package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.LiveView;
import dev.gantry.starter.client.PersonWaits;
import dev.gantry.starter.client.ReleaseWatch;
import dev.gantry.starter.client.StatusView;
import dev.gantry.workflows.api.approval.GateDecision;
import dev.gantry.workflows.api.release.ReleaseState;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code gantry release ...}: the group, and what every command that talks to Temporal shares (the connection,
 * printing, following a release to its end). The subcommands live by concern: {@link ReleaseStartCommands},
 * {@link ReleaseViewCommands}, {@link ReleaseReportCommand}, {@link ReleaseGateCommands},
 * {@link ReleaseControlCommands}.
 */
@Command(name = "release", mixinStandardHelpOptions = true, description = "Start, follow and approve releases.",
    subcommands = {ReleaseStartCommands.Start.class, ReleaseViewCommands.Status.class,
        ReleaseViewCommands.Watch.class, ReleaseViewCommands.ListReleases.class, ReleaseGateCommands.Approve.class,
        ReleaseGateCommands.Reject.class, ReleaseControlCommands.Abort.class, ReleaseReportCommand.class,
        ReleaseControlCommands.Pause.class, ReleaseControlCommands.Resume.class, ReleaseControlCommands.Rollback.class,
        ReleaseGateCommands.OverrideGate.class, ReleaseStartCommands.Promote.class})
class ReleaseCommand {

  interface Connected {
    ConnectionOptions connection();
  }

  abstract static class Base implements Callable<Integer>, Connected {
    @Mixin ConnectionOptions connection;
    @Spec CommandSpec spec;

    @Override
    public ConnectionOptions connection() {
      return connection;
    }

    boolean json() {
      return connection.output == ConnectionOptions.OutputFormat.json;
    }

    void print(String text) {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
    }

    void println(String text) {
      print(text + System.lineSeparator());
    }

    /** Prints each wait for a person once, when it begins (or when what it waits for changes). */
    void announce(ReleaseStatus status, java.util.Map<String, String> announced) {
      java.util.Set<String> now = new java.util.HashSet<>();
      for (PersonWaits.Wait wait : PersonWaits.of(status)) {
        now.add(wait.key());
        if (!wait.what().equals(announced.get(wait.key()))) {
          announced.put(wait.key(), wait.what());
          println(wait.lines());
        }
      }
      announced.keySet().retainAll(now);
    }

    /** Who acts: the name given ({@code --as}), else $USER. */
    static String who(String by) {
      return by != null ? by : System.getenv().getOrDefault("USER", "unknown");
    }

    void report(GateDecision decision, String text) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), decision);
      } else {
        println(text);
      }
    }

    /**
     * Follows a release to its end. On a terminal: one screen redrawn in place (LiveView). Otherwise (a pipe,
     * a file, CI) one line per new timeline line, and each wait for a person, once, with what to run.
     */
    int follow(GantryClient gantry, String releaseId, Duration timeout) {
      boolean live = !json() && System.console() != null && !"dumb".equals(System.getenv("TERM"));
      Thread restore = new Thread(() -> {
        spec.commandLine().getOut().print(LiveView.END);
        spec.commandLine().getOut().flush();
      });
      if (live) {
        print(LiveView.START);
        Runtime.getRuntime().addShutdownHook(restore);
      }
      java.util.Map<String, String> announced = new java.util.HashMap<>();
      ReleaseStatus last;
      try {
        last = new ReleaseWatch(gantry, Duration.ofMillis(500)).follow(releaseId, timeout,
            new ReleaseWatch.Listener() {
              private String shown;

              @Override
              public void onEntry(dev.gantry.workflows.api.release.TimelineEntry entry) {
                if (!json() && !live) {
                  println(StatusView.line(entry));
                }
              }

              private java.util.Map<String, String> progressShown = java.util.Map.of();

              @Override
              public void onPoll(ReleaseStatus status) {
                if (json()) {
                  return;
                }
                java.util.Map<String, String> progress = gantry.regionProgress(status);
                if (live) {
                  TerminalSize size = TerminalSize.now();
                  String frame = LiveView.frame(status, progress, size.columns, size.rows);
                  if (!frame.equals(shown)) {
                    print(frame);
                    shown = frame;
                  }
                  return;
                }
                announce(status, announced);
                // a long step (a Kubernetes rollout) says where it stands when that changes
                progress.forEach((region, now) -> {
                  if (!now.equals(progressShown.get(region))) {
                    println("  " + region + ": " + StatusView.text(now));
                  }
                });
                progressShown = progress;
              }
            });
      } finally {
        if (live) {
          print(LiveView.END);
          try {
            Runtime.getRuntime().removeShutdownHook(restore);
          } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
          }
        }
      }
      if (json()) {
        Output.json(spec.commandLine().getOut(), last);
      } else {
        println("");
        print(StatusView.render(last));
      }
      return last.state() == ReleaseState.SUCCEEDED ? GantryCli.OK : GantryCli.FAILED;
    }
  }

  /** A command about one release. */
  abstract static class OnRelease extends Base {
    @Parameters(paramLabel = "RELEASE_ID", description = "release/<app>/<version> or <app>/<version>.")
    String releaseId;
  }

  /** Ended, and not by succeeding: failed, terminated, timed out or cancelled. */
  static boolean endedBadly(ReleaseStatus status) {
    return status.state().isFinal() && status.state() != ReleaseState.SUCCEEDED;
  }
}
