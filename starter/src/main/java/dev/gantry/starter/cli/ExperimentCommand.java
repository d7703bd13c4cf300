package dev.gantry.starter.cli;

import dev.gantry.starter.client.FeatureFlags;
import dev.gantry.starter.client.GantryClient;
import dev.gantry.workflows.api.flags.ExperimentDecision;
import dev.gantry.workflows.api.flags.ExperimentStatus;
import dev.gantry.workflows.api.flags.RampState;
import dev.gantry.workflows.api.flags.TreatmentComparison;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = "A/B tests on a Split flag: start one from ENV's flags.experiments, read its result, decide.",
    subcommands = {ExperimentCommand.Start.class, ExperimentCommand.StatusCommand.class, ExperimentCommand.Decide.class,
        ExperimentCommand.Abort.class})
class ExperimentCommand {
  abstract static class OnExperiment extends ReleaseCommand.Base {
    @Parameters(index = "0", paramLabel = "APP", description = "The application, e.g. shop.")
    String application;

    @Parameters(index = "1", paramLabel = "NAME", description = "The experiment's name in flags.experiments.")
    String name;

    @Parameters(index = "2", paramLabel = "ENV", description = "The environment, e.g. production.")
    String environment;

    int print(ExperimentStatus status) {
      if (json()) {
        Output.json(spec.commandLine().getOut(), status);
      } else {
        println(status.workflowId() + ": " + status.state() + " (" + status.phase() + ")");
        if (status.endsAt() != null && status.state() == RampState.RUNNING) {
          println("  ends at the latest: " + status.endsAt());
        }
        if (status.result() != null) {
          println("  result: " + status.result().summary());
          for (TreatmentComparison row : status.result().treatments()) {
            println(String.format(Locale.ROOT, "    %-12s %8d / %-8d %6.2f%%%s", row.treatment(), row.conversions(),
                row.exposures(), row.rate() * 100, row.pValue() == null ? "  (control)"
                    : String.format(Locale.ROOT, "  lift %s  p %.4g%s", row.lift() == null ? "n/a"
                        : String.format(Locale.ROOT, "%+.1f%%", row.lift() * 100), row.pValue(),
                        row.significant() ? "  significant" : "")));
          }
        }
        if (status.outcome() != null) {
          println("  outcome: " + status.outcome() + " at 100%" + (status.decidedBy() == null ? "" : " (decided by "
              + status.decidedBy() + ")"));
        }
      }
      return status.state() == RampState.ABORTED ? GantryCli.FAILED : GantryCli.OK;
    }
  }

  @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the experiment NAME in ENV.")
  static class Start extends OnExperiment {
    @Mixin EnvironmentSpecOption releaseSpec;

    @Option(names = "--as", paramLabel = "NAME", description = "Who starts it (default: $USER).")
    String by;

    @Override
    public Integer call() {
      var plan = releaseSpec.plan(environment);
      FeatureFlags.experimentOf(plan, name);
      try (GantryClient gantry = connection.connect()) {
        String id = new FeatureFlags(gantry.workflowClient()).startExperiment(application, plan, name, who(by));
        if (json()) {
          Output.json(spec.commandLine().getOut(), Map.of("workflowId", id));
        } else {
          println("experiment started (" + id + "); `gantry experiment status " + application + " " + name + " "
              + environment + "` shows it");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Sample so far, result (winner, p-value, lift), outcome. Exit 1 if it was aborted.")
  static class StatusCommand extends OnExperiment {
    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        return print(new FeatureFlags(gantry.workflowClient()).experimentStatus(application, name, environment));
      }
    }
  }

  @Command(name = "decide", mixinStandardHelpOptions = true,
      description = "Decide a finished experiment: --keep (the winner, or --treatment, gets 100%%) or --rollback"
          + " (the control gets 100%%). Refused unless the experiment awaits a decision (exit 1).")
  static class Decide extends OnExperiment {
    static class Action {
      @Option(names = "--keep", required = true, description = "Keep the winner (or --treatment) at 100%%.")
      boolean keep;

      @Option(names = "--rollback", required = true, description = "Give the control 100%%.")
      boolean rollback;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @Option(names = "--treatment", description = "With --keep: which treatment (default: the reported winner).")
    String treatment;

    @Option(names = "--as", required = true, paramLabel = "NAME", description = "Who decides.")
    String by;

    @Option(names = "--reason", description = "Why; kept in the audit trail.")
    String reason;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        ExperimentStatus status = new FeatureFlags(gantry.workflowClient()).decide(application, name, environment,
            new ExperimentDecision(by, action.keep ? ExperimentDecision.KEEP : ExperimentDecision.ROLLBACK,
                action.keep ? treatment : null, reason));
        if (json()) {
          Output.json(spec.commandLine().getOut(), status);
        } else {
          println("decision accepted: " + (action.keep ? "keep " + (treatment == null ? "the winner" : treatment)
              : "roll back to the control") + "; the flag follows in a moment");
        }
        return GantryCli.OK;
      }
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "End the experiment now: the control gets 100%%.")
  static class Abort extends OnExperiment {
    @Option(names = "--as", paramLabel = "NAME", description = "Who stops it (default: $USER).")
    String by;

    @Option(names = "--reason", required = true, description = "Why; kept in the audit trail.")
    String reason;

    @Override
    public Integer call() {
      try (GantryClient gantry = connection.connect()) {
        new FeatureFlags(gantry.workflowClient()).abortExperiment(application, name, environment, who(by), reason);
        println(json() ? "{\"aborted\": true}" : "abort sent: the control gets 100%");
        return GantryCli.OK;
      }
    }
  }
}
