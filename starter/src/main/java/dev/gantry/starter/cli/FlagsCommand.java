package dev.gantry.starter.cli;

import dev.gantry.starter.client.FeatureFlags;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.flags.FlagPolicy;
import dev.gantry.workflows.api.flags.FlagRampPlan;
import dev.gantry.workflows.api.flags.FlagRampStatus;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.release.EnvironmentPlan;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "flags", mixinStandardHelpOptions = true,
    description = "Feature flag ramps (Split): start one, follow it, stop it.",
    subcommands = {FlagsCommand.Ramp.class, FlagsCommand.Status.class, FlagsCommand.Abort.class})
class FlagsCommand {
  abstract static class OnFlag extends ReleaseCommand.Base {
    @Parameters(index = "0", paramLabel = "APP", description = "The application, e.g. shop.")
    String application;

    @Parameters(index = "1", paramLabel = "ENV", description = "The environment, e.g. production.")
    String environment;

    @Parameters(index = "2", paramLabel = "FLAG", description = "The Split flag, e.g. new-checkout.")
    String flag;

    int print(FlagRampStatus status) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), status);
      } else {
        println(status.workflowId() + ": " + status.state() + ", " + status.flag() + " at " + status.percent()
            + "% (step " + status.step() + " of " + status.steps() + ")");
        if (status.lastAnalysis() != null) {
          println("  last analysis: " + status.lastAnalysis());
        }
        if (status.nextAnalysisAt() != null) {
          println("  next analysis: " + status.nextAnalysisAt());
        }
        if (status.stoppedBecause() != null) {
          println("  stopped:       " + status.stoppedBecause());
        }
        status.timeline().forEach(line -> println("  " + line));
      }
      return status.state() == RampState.STOPPED || status.state() == RampState.ABORTED ? GantryCli.FAILED
          : GantryCli.OK;
    }
  }

  @Command(name = "ramp", mixinStandardHelpOptions = true,
      description = "Start ramping FLAG in ENV: each step sets the default rule, bakes, and is analysed; a bad"
          + " metric sets the flag back to 0%%. Defaults come from flags.ramps in ENV's config.yaml.")
  static class Ramp extends OnFlag {
    @Mixin EnvironmentSpecOption releaseSpec;

    @Option(names = "--steps", split = ",", description = "Percentages, e.g. 10,50,100.")
    List<Integer> steps;

    @Option(names = "--bake-minutes", description = "Minutes each step runs before its analysis.")
    Integer bakeMinutes;

    @Option(names = "--metric", description = "The error-like metric the endpoint counts per treatment.")
    String metric;

    @Option(names = "--max-rate", description = "The step fails above this rate, e.g. 0.02.")
    Double maxRate;

    @Option(names = "--as", paramLabel = "NAME", description = "Who starts it (default: $USER).")
    String by;

    @Override
    public Integer call() {
      EnvironmentPlan plan = releaseSpec.plan(environment);
      FlagPolicy policy = FeatureFlags.policyOf(plan);
      FlagRampPlan configured = policy.rampsOrEmpty().stream().filter(r -> r.flag().equals(flag)).findFirst()
          .orElse(new FlagRampPlan(flag, null, null, null, null, null, null, null));
      FlagRampPlan ramp = new FlagRampPlan(flag, configured.treatment(), configured.offTreatment(),
          steps != null ? steps : configured.steps(), bakeMinutes != null ? bakeMinutes : configured.bakeMinutes(),
          metric != null ? metric : configured.metric(), maxRate != null ? maxRate : configured.maxRate(),
          configured.minExposures());
      List<Integer> effective = ramp.stepsOrDefault();
      if (ramp.metric() == null || ramp.maxRate() == null) {
        throw new IllegalArgumentException(flag + " has no ramp in " + environment + "'s flags.ramps: give --metric"
            + " and --max-rate (the analysis between steps needs them)");
      }
      if (policy.metricsUrl() == null) {
        throw new IllegalArgumentException(environment + "'s config has no flags.metricsUrl: the ramp's analysis"
            + " reads it");
      }
      if (effective.get(effective.size() - 1) != 100 || effective.stream().anyMatch(s -> s < 1 || s > 100)) {
        throw new IllegalArgumentException("--steps must be increasing percentages ending at 100, e.g. 10,50,100");
      }
      try (GantryClient gantry = connection.connect()) {
        String id = new FeatureFlags(gantry.workflowClient()).startRamp(application, plan, ramp, who(by));
        if (json()) {
          Output.json(spec.commandLine().getOut(), Map.of("workflowId", id, "steps", effective));
        } else {
          println("ramping " + flag + " in " + environment + " " + effective + "% (" + id + "); `gantry flags status "
              + application + " " + environment + " " + flag + "` follows it");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Where a ramp is: share, last analysis, next analysis. Exit 1 if it stopped.")
  static class Status extends OnFlag {
    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        return print(new FeatureFlags(gantry.workflowClient()).rampStatus(application, environment, flag));
      }
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Stop a ramp now: the flag goes back to 0%% of its treatment.")
  static class Abort extends OnFlag {
    @Option(names = "--as", paramLabel = "NAME", description = "Who stops it (default: $USER).")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail.")
    String reason;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        new FeatureFlags(gantry.workflowClient()).abortRamp(application, environment, flag, who(by), reason);
        if (json()) {
          Output.json(spec.commandLine().getOut(), Map.of("aborted", true));
        } else {
          println("abort sent: the ramp sets " + flag + " back to 0% and stops");
        }
        return GantryCli.OK;
      }
    }
  }
}
