package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.release.PauseSignal;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gantry release abort}, {@code pause}, {@code resume} and {@code rollback}: steering a release. */
final class ReleaseControlCommands {
  private ReleaseControlCommands() {}

  @Command(name = "abort", mixinStandardHelpOptions = true, description = "Stop a release where it is:"
      + " a region being deployed is undone, open changes are closed, the release ends FAILED.")
  static class Abort extends ReleaseCommand.OnRelease {
    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail, the release's"
        + " failure and the workflow's history.")
    String reason;

    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER); with a signing key"
        + " the abort is a signed message (what a signed release requires), else a cancel.")
    String by;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        String id = GantryClient.normalize(releaseId);
        gantry.abort(id, reason, who(by));
        if (json()) {
          Output.json(spec.commandLine().getOut(), Map.of("releaseId", id, "aborted", true, "reason", reason));
        } else {
          println("abort requested for " + id + ": " + reason + "; follow it with `gantry release watch " + id + "`");
        }
        return GantryCli.OK;
      }
    }
  }

  abstract static class PauseOrResume extends ReleaseCommand.OnRelease {
    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the timeline and audit trail.")
    String reason;

    abstract void send(GantryClient gantry, String id, PauseSignal signal);

    abstract String verb();

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        String id = GantryClient.normalize(releaseId);
        String who = who(by);
        send(gantry, id, new PauseSignal(who, reason));
        if (json()) {
          Output.json(spec.commandLine().getOut(), Map.of("releaseId", id, verb(), true));
        } else {
          println(verb() + " sent to " + id + " (" + reason + "); `gantry release status " + id + "` shows it");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Hold a release before its next step: what runs finishes, nothing new starts.")
  static class Pause extends PauseOrResume {
    @Override
    void send(GantryClient gantry, String id, PauseSignal signal) {
      gantry.pause(id, signal);
    }

    @Override
    String verb() {
      return "paused";
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a paused release go on.")
  static class Resume extends PauseOrResume {
    @Override
    void send(GantryClient gantry, String id, PauseSignal signal) {
      gantry.resume(id, signal);
    }

    @Override
    String verb() {
      return "resumed";
    }
  }

  @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Roll an environment back from"
      + " a release's version to what each region ran before it (later waves first, primary last).")
  static class Rollback extends ReleaseCommand.OnRelease {
    @Option(names = "--environment", required = true, description = "The environment to roll back.")
    String environment;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail.")
    String reason;

    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--timeout", defaultValue = "PT30M", description = "How long to wait (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--token", paramLabel = "JWS", description = "A rollback token minted elsewhere"
        + " (`gantry approval-token --action rollback`); without it the CLI signs with your signing key, if any.")
    String token;

    @Override
    public Integer call() throws Exception {
      try (GantryClient gantry = connection.connect()) {
        String who = who(by);
        var result = gantry.rollback(releaseId, environment, who, reason, token, timeout);
        if (json()) {
          Output.json(spec.commandLine().getOut(), result);
        } else {
          println("rollback of " + GantryClient.normalize(releaseId) + " in " + environment + ":");
          result.regions().forEach(region -> println(String.format("  %-16s %-12s %s", region.region(),
              region.state(), region.detail())));
          if (result.recorded() != null) {
            println("  " + result.recorded());
          }
        }
        boolean failed = result.regions().stream()
            .anyMatch(region -> region.state() == RegionState.FAILED);
        return failed ? GantryCli.FAILED : GantryCli.OK;
      }
    }
  }
}
