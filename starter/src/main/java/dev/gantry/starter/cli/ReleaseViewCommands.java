package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.StatusView;
import dev.gantry.workflows.api.release.ReleaseStatus;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry release status}, {@code watch} and {@code list}: where releases are. */
final class ReleaseViewCommands {
  private ReleaseViewCommands() {}

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show where a release is: stage, environments, regions.")
  static class Status extends ReleaseCommand.OnRelease {
    @Option(names = "--timeline", description = "Also print the timeline.")
    boolean timeline;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        ReleaseStatus status = gantry.status(releaseId);
        if (json()) {
          Output.json(spec.commandLine().getOut(), status);
        } else {
          print(StatusView.render(status));
          if (status.releaseId() != null && status.releaseId().startsWith("promotion/")) {
            List<GantryClient.Attempt> attempts = List.of();
            try {
              attempts = gantry.attempts(status.releaseId());
            } catch (RuntimeException unreadable) {
              // the status above stands on its own
            }
            if (attempts.size() > 1) {
              println("  attempts");
              attempts.forEach(attempt -> println("    " + ReleaseStartCommands.describe(attempt)));
            }
          }
          if (timeline) {
            println("  timeline");
            status.timeline().forEach(entry -> println("    " + StatusView.line(entry)));
          }
        }
        return ReleaseCommand.endedBadly(status) ? GantryCli.FAILED : GantryCli.OK;
      }
    }
  }

  @Command(name = "watch", mixinStandardHelpOptions = true, description = "Follow a release live until it ends (exit 1 if it fails).")
  static class Watch extends ReleaseCommand.OnRelease {
    @Option(names = "--timeout", defaultValue = "PT24H",
        description = "How long to follow (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        return follow(gantry, GantryClient.normalize(releaseId), timeout);
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "List releases, newest first, filtered by their search attributes.")
  static class ListReleases extends ReleaseCommand.Base {
    @Option(names = "--application", description = "Only this application.")
    String application;

    @Option(names = "--environment", description = "Only releases last at this environment.")
    String environment;

    @Option(names = "--status", description = "RUNNING, AWAITING_APPROVAL, WAITING, SUCCEEDED, FAILED,"
        + " TERMINATED, TIMED_OUT or CANCELED (a closed release by Temporal's own word).")
    String status;

    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        var releases = gantry.list(application, environment, status, limit);
        if (json()) {
          Output.json(spec.commandLine().getOut(), releases);
          return GantryCli.OK;
        }
        if (releases.isEmpty()) {
          println("no releases match");
          return GantryCli.OK;
        }
        println(String.format("%-40s %-18s %-22s %-12s %s", "RELEASE", "STATUS", "STAGE", "ENVIRONMENT",
            "STARTED"));
        for (var release : releases) {
          println(String.format("%-40s %-18s %-22s %-12s %s", release.releaseId(), dash(release.status()),
              dash(release.stage()), dash(release.environment()), release.startedAt()));
        }
        return GantryCli.OK;
      }
    }

    private static String dash(String value) {
      return value == null ? "-" : value;
    }
  }
}
