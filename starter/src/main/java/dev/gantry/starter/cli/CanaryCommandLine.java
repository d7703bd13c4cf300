package dev.gantry.starter.cli;

import dev.gantry.starter.client.GantryClient;
import dev.gantry.starter.client.StatusView;
import dev.gantry.workflows.api.deploy.RegionState;
import dev.gantry.workflows.api.deploy.RegionStatus;
import dev.gantry.workflows.api.rollout.CanaryCommand;
import dev.gantry.workflows.api.rollout.CanaryCommandResult;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gantry canary promote|abort|pause|resume RELEASE_ID --environment E [--region R]}: steers the
 * progressive rollout of a release in one region (or every region of the environment rolling out now)
 * through the region workflow's validated {@code canaryCommand} update. Exit 0 when every region took the
 * command, 1 when one refused (the reason is printed), 2 for usage errors.
 */
@Command(name = "canary", mixinStandardHelpOptions = true,
    description = "Steer a progressive rollout: promote (skip the remaining steps), abort (roll the region back),"
        + " pause (hold before the next step), resume (after a pause, a held dark launch or an inconclusive"
        + " analysis), status.",
    subcommands = {CanaryCommandLine.Promote.class, CanaryCommandLine.Abort.class, CanaryCommandLine.Pause.class,
        CanaryCommandLine.Resume.class, CanaryCommandLine.Status.class})
class CanaryCommandLine {

  abstract static class Send extends ReleaseCommand.OnRelease {
    @Option(names = {"-e", "--environment"}, required = true, description = "The environment rolling out.")
    String environment;

    @Option(names = {"-r", "--region"}, description = "One region (default: every region rolling out now).")
    String region;

    @Option(names = "--as", paramLabel = "NAME", description = "Who you are (default: $USER).")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the region's status and log.")
    String reason;

    abstract String action();

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        String who = who(by);
        List<CanaryCommandResult> results = gantry.canary(releaseId, environment, region,
            new CanaryCommand(action(), who, reason));
        if (json()) {
          Output.json(spec.commandLine().getOut(), results);
        } else {
          for (CanaryCommandResult result : results) {
            println(String.format("%-16s %s", result.region(), result.outcome()));
          }
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true, description = "Skip the remaining steps: 100%% now.")
  static class Promote extends Send {
    @Override
    String action() {
      return CanaryCommand.PROMOTE;
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Roll the region back now; the release then rolls back the regions it changed before.")
  static class Abort extends Send {
    @Override
    String action() {
      return CanaryCommand.ABORT;
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
      description = "Hold at the current weight after the running step.")
  static class Pause extends Send {
    @Override
    String action() {
      return CanaryCommand.PAUSE;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true,
      description = "Go on after a pause, a held dark launch, or an inconclusive analysis (counts as a pass).")
  static class Resume extends Send {
    @Override
    String action() {
      return CanaryCommand.RESUME;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Step, weight, analysis of each region.")
  static class Status extends ReleaseCommand.OnRelease {
    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        var status = gantry.status(releaseId);
        if (json()) {
          Output.json(spec.commandLine().getOut(), status.environments());
          return GantryCli.OK;
        }
        for (var env : status.environments()) {
          for (RegionStatus region : env.regions()) {
            if (region.state() != RegionState.PENDING && region.state() != RegionState.SKIPPED) {
              println(String.format("%-12s %-16s %-12s %s", env.environment(), region.region(), region.state(),
                  StatusView.regionDetail(region)));
            }
          }
        }
        return GantryCli.OK;
      }
    }
  }
}
